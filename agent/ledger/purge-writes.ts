import type { Database } from 'better-sqlite3';
import { requireActor } from './actor-checks.ts';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import { requireInt, requireOneOf, requireText } from './input-checks.ts';
import type { PurgeDeletionResult } from './lifecycle-events.ts';
import { HELD } from './lifecycle-sql.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** A purge as the tables hold it. */
export interface PurgeState {
  readonly id: string;
  readonly status: 'requested' | 'approved' | 'recoverable' | 'undone' | 'completed';
  readonly clipIds: string[];
  readonly sha256s: string[];
  readonly needsApproval: boolean;
  readonly requestedBy: string;
  readonly graceUntil: Date | null;
}

/** The purge with this id, or null. */
export function findPurge(db: Database, id: string): PurgeState | null {
  const r = cachedStatement(db, 'SELECT * FROM purges WHERE id = ?').get(id) as
    | Record<string, unknown>
    | undefined;
  if (!r) return null;
  return {
    id: r.id as string,
    status: r.status as PurgeState['status'],
    clipIds: JSON.parse(r.clip_ids as string) as string[],
    sha256s: JSON.parse(r.sha256s as string) as string[],
    needsApproval: r.needs_approval === 1,
    requestedBy: r.requested_by as string,
    graceUntil: r.grace_until === null ? null : new Date(r.grace_until as number),
  };
}

function requirePurge(db: Database, id: string): PurgeState {
  const p = findPurge(db, requireText('purgeId', id));
  if (!p) throw new LedgerStateError(`the purge ${id} is not in the ledger`);
  return p;
}

/** The clips among `clipIds` an active hold covers. */
export function heldAmong(db: Database, clipIds: readonly string[]): string[] {
  return cachedStatement(
    db,
    `SELECT c.id FROM clips c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${HELD}`,
  )
    .pluck()
    .all(JSON.stringify(clipIds)) as string[];
}

function refuseHeld(db: Database, clipIds: readonly string[], what: string): void {
  const held = heldAmong(db, clipIds);
  if (held.length > 0)
    throw new LedgerStateError(
      `${what} is refused: ${held.length} clip(s) are on hold (R4), first ${held[0]}`,
    );
}

/** The confirmed purge list of the equipment manager (R3). */
export interface PurgeRequestInput {
  readonly clipIds: readonly string[];
  readonly requestedBy: string;
  readonly reason: string;
  /** Evidence-class footage: a supervisor approves too. */
  readonly needsApproval: boolean;
}

/**
 * Record a manager's confirmed purge list; returns its id. Refuses clips on hold or already in a
 * purge. Files another clip still needs are not deleted (the vault is content-addressed).
 */
export function requestPurge(ctx: WriteContext, input: PurgeRequestInput): string {
  const requestedBy = requireActor(
    ctx.db,
    'requestedBy',
    input.requestedBy,
    ['manager'],
    'confirming a purge',
  );
  const clipIds = [...new Set(input.clipIds)].sort();
  if (clipIds.length === 0) throw new LedgerInputError('a purge must name at least one clip');
  const list = JSON.stringify(clipIds);
  const known = cachedStatement(
    ctx.db,
    'SELECT count(*) FROM clips WHERE id IN (SELECT value FROM json_each(?))',
  )
    .pluck()
    .get(list) as number;
  if (known !== clipIds.length)
    throw new LedgerStateError('a clip in the purge list is not sealed in the ledger');
  const busy = cachedStatement(
    ctx.db,
    'SELECT clip_id FROM purge_clips WHERE clip_id IN (SELECT value FROM json_each(?))',
  )
    .pluck()
    .all(list) as string[];
  if (busy.length > 0) throw new LedgerStateError(`the clip ${busy[0]} is already in a purge`);
  refuseHeld(ctx.db, clipIds, 'the purge');
  const files = cachedStatement(
    ctx.db,
    `SELECT c.sha256, max(c.size) AS size FROM clips c WHERE c.id IN (SELECT value FROM json_each(@list))
       AND NOT EXISTS (SELECT 1 FROM clips o WHERE o.sha256 = c.sha256
         AND o.id NOT IN (SELECT value FROM json_each(@list))
         AND NOT EXISTS (SELECT 1 FROM purge_clips pc WHERE pc.clip_id = o.id))
     GROUP BY c.sha256 ORDER BY c.sha256`,
  ).all({ list }) as { sha256: string; size: number }[];
  const purgeId = ctx.newId();
  const at = ctx.now();
  ctx.events.append(
    'purge.requested',
    {
      purgeId,
      clipIds,
      sha256s: files.map((f) => f.sha256),
      bytes: files.reduce((n, f) => n + f.size, 0),
      reason: requireText('reason', input.reason?.trim()),
      needsApproval: input.needsApproval === true,
      requestedBy,
      requestedAt: at.toISOString(),
    },
    at,
  );
  return purgeId;
}

/** A supervisor approves a purge of evidence-class footage; never the one who requested it. */
export function approvePurge(ctx: WriteContext, input: { purgeId: string; approvedBy: string }): void {
  const p = requirePurge(ctx.db, input.purgeId);
  if (p.status !== 'requested' || !p.needsApproval)
    throw new LedgerStateError(`the purge ${p.id} is ${p.status} and needs no approval now`);
  const approvedBy = requireActor(
    ctx.db,
    'approvedBy',
    input.approvedBy,
    ['supervisor'],
    'approving a purge of evidence',
  );
  if (approvedBy === p.requestedBy)
    throw new LedgerStateError('nobody approves their own purge: ask another supervisor');
  const at = ctx.now();
  ctx.events.append('purge.approved', { purgeId: p.id, approvedBy, approvedAt: at.toISOString() }, at);
}

/** The purge's files go to the recoverable area for `graceDays`; refused while a clip is held. */
export function stagePurge(ctx: WriteContext, input: { purgeId: string; graceDays: number }): PurgeState {
  const p = requirePurge(ctx.db, input.purgeId);
  const ready = p.status === 'approved' || (p.status === 'requested' && !p.needsApproval);
  if (!ready)
    throw new LedgerStateError(
      `the purge ${p.id} is ${p.status}${p.needsApproval ? ' and waits for a supervisor' : ''}`,
    );
  refuseHeld(ctx.db, p.clipIds, `the purge ${p.id}`);
  const days = requireInt('graceDays', input.graceDays, 1, 365);
  const at = ctx.now();
  const graceUntil = new Date(at.getTime() + days * 86_400_000).toISOString();
  ctx.events.append('purge.staged', { purgeId: p.id, stagedAt: at.toISOString(), graceUntil }, at);
  return requirePurge(ctx.db, p.id);
}

/** Undo a purge before its files are deleted (manager or supervisor, with a reason). */
export function undoPurge(
  ctx: WriteContext,
  input: { purgeId: string; undoneBy: string; reason: string },
): void {
  const p = requirePurge(ctx.db, input.purgeId);
  if (!['requested', 'approved', 'recoverable'].includes(p.status))
    throw new LedgerStateError(`the purge ${p.id} is ${p.status}: it can no longer be undone`);
  const deleted = cachedStatement(
    ctx.db,
    "SELECT 1 FROM purge_deletions WHERE purge_id = ? AND result = 'deleted'",
  ).get(p.id);
  if (deleted) throw new LedgerStateError(`the purge ${p.id} has begun deleting: it can no longer be undone`);
  const undoneBy = requireActor(
    ctx.db,
    'undoneBy',
    input.undoneBy,
    ['manager', 'supervisor'],
    'undoing a purge',
  );
  const at = ctx.now();
  ctx.events.append(
    'purge.undone',
    {
      purgeId: p.id,
      undoneBy,
      reason: requireText('reason', input.reason?.trim()),
      undoneAt: at.toISOString(),
    },
    at,
  );
}

/** Record one deletion of a purged file (after the grace period; never while a clip is held). */
export function recordPurgeDeletion(
  ctx: WriteContext,
  input: { purgeId: string; sha256: string; place: string; result: PurgeDeletionResult },
): void {
  const p = requirePurge(ctx.db, input.purgeId);
  if (p.status !== 'recoverable' || !p.graceUntil || p.graceUntil.getTime() > ctx.now().getTime())
    throw new LedgerStateError(`the purge ${p.id} is not past its grace period`);
  if (!p.sha256s.includes(input.sha256))
    throw new LedgerStateError(`the file ${input.sha256} is not in the purge ${p.id}`);
  refuseHeld(ctx.db, p.clipIds, `deleting the files of the purge ${p.id}`);
  const at = ctx.now();
  ctx.events.append(
    'purge.deleted',
    {
      purgeId: p.id,
      sha256: input.sha256,
      place: requireText('place', input.place),
      result: requireOneOf('result', input.result, ['deleted', 'refused', 'absent'] as const),
      at: at.toISOString(),
    },
    at,
  );
}

/** Close a purge whose files are gone everywhere. */
export function completePurge(ctx: WriteContext, purgeId: string): void {
  const p = requirePurge(ctx.db, purgeId);
  if (p.status !== 'recoverable') throw new LedgerStateError(`the purge ${p.id} is ${p.status}`);
  const at = ctx.now();
  ctx.events.append('purge.completed', { purgeId: p.id, completedAt: at.toISOString() }, at);
}
