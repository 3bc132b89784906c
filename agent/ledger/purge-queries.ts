import type { Database } from 'better-sqlite3';
import { EVICTED, HELD, IN_PURGE, RECORDED_AT } from './lifecycle-sql.ts';
import { cachedStatement } from './statement-cache.ts';

type Row = Record<string, unknown>;
const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as number));

/** A purge as the page and dockctl list it. */
export interface PurgeRow {
  readonly id: string;
  readonly status: 'requested' | 'approved' | 'recoverable' | 'undone' | 'completed';
  readonly clipIds: string[];
  readonly sha256s: string[];
  readonly bytes: number;
  readonly reason: string;
  readonly needsApproval: boolean;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly approvedBy: string | null;
  readonly stagedAt: Date | null;
  readonly graceUntil: Date | null;
  readonly undoneBy: string | null;
  readonly completedAt: Date | null;
  /** Deletions so far: `place` is 'local' or a store's description. */
  readonly deletions: { sha256: string; place: string; result: string; at: Date }[];
}

function purgeFromRow(db: Database, r: Row): PurgeRow {
  const deletions = (
    cachedStatement(
      db,
      'SELECT sha256, place, result, at FROM purge_deletions WHERE purge_id = ? ORDER BY id',
    ).all(r.id) as Row[]
  ).map((d) => ({
    sha256: d.sha256 as string,
    place: d.place as string,
    result: d.result as string,
    at: new Date(d.at as number),
  }));
  return {
    id: r.id as string,
    status: r.status as PurgeRow['status'],
    clipIds: JSON.parse(r.clip_ids as string) as string[],
    sha256s: JSON.parse(r.sha256s as string) as string[],
    bytes: r.bytes as number,
    reason: r.reason as string,
    needsApproval: r.needs_approval === 1,
    requestedBy: r.requested_by as string,
    requestedAt: new Date(r.requested_at as number),
    approvedBy: r.approved_by as string | null,
    stagedAt: dateOrNull(r.staged_at),
    graceUntil: dateOrNull(r.grace_until),
    undoneBy: r.undone_by as string | null,
    completedAt: dateOrNull(r.completed_at),
    deletions,
  };
}

/** Purges, open ones first then newest. */
export function purges(db: Database, limit = 200): PurgeRow[] {
  return (
    cachedStatement(
      db,
      `SELECT * FROM purges ORDER BY status IN ('undone', 'completed'), requested_at DESC LIMIT ?`,
    ).all(limit) as Row[]
  ).map((r) => purgeFromRow(db, r));
}

/** One purge, or null. */
export function purge(db: Database, id: string): PurgeRow | null {
  const r = cachedStatement(db, 'SELECT * FROM purges WHERE id = ?').get(id) as Row | undefined;
  return r ? purgeFromRow(db, r) : null;
}

/**
 * Purges whose files may need moving: ready to stage, in the recoverable area (deleted once past
 * their grace period), or undone (their files go back to the vault).
 */
export function openPurges(db: Database): PurgeRow[] {
  return (
    cachedStatement(
      db,
      `SELECT * FROM purges WHERE status IN ('approved', 'recoverable', 'undone')
         OR (status = 'requested' AND needs_approval = 0) ORDER BY requested_at`,
    ).all() as Row[]
  ).map((r) => purgeFromRow(db, r));
}

/** Where a sealed file stands: purged (gone for good or recoverable), evicted, or neither. */
export function fileStates(db: Database): Map<string, 'purged' | 'recoverable' | 'evicted'> {
  const out = new Map<string, 'purged' | 'recoverable' | 'evicted'>();
  for (const r of cachedStatement(db, 'SELECT sha256s, status FROM purges WHERE status IN (?, ?)').all(
    'recoverable',
    'completed',
  ) as Row[]) {
    for (const sha of JSON.parse(r.sha256s as string) as string[])
      out.set(sha, r.status === 'completed' ? 'purged' : 'recoverable');
  }
  for (const sha of cachedStatement(db, 'SELECT sha256 FROM evictions WHERE restored_at IS NULL')
    .pluck()
    .all() as string[])
    if (!out.has(sha)) out.set(sha, 'evicted');
  return out;
}

/** Routine files that could be evicted for space, oldest first (the ledger checks each again). */
export function evictionCandidates(db: Database, limit: number): { sha256: string; size: number }[] {
  return cachedStatement(
    db,
    `SELECT c.sha256, max(c.size) AS size, min(${RECORDED_AT}) AS recorded FROM clips c
     WHERE EXISTS (SELECT 1 FROM offsite_copies o WHERE o.sha256 = c.sha256 AND o.last_result = 'ok')
     GROUP BY c.sha256
     HAVING sum(${HELD}) = 0 AND sum(${IN_PURGE}) = 0 AND max(${EVICTED}) = 0
       AND sum(EXISTS (SELECT 1 FROM clip_labels l WHERE l.clip_id = c.id AND l.case_no IS NOT NULL)) = 0
       AND sum(EXISTS (SELECT 1 FROM exports x, json_each(x.clip_ids) j WHERE j.value = c.id)) = 0
     ORDER BY recorded LIMIT ?`,
  ).all(limit) as { sha256: string; size: number }[];
}

/** Whether a file's local copy is evicted and not fetched back. */
export function isEvicted(db: Database, sha256: string): boolean {
  return (
    cachedStatement(db, 'SELECT 1 FROM evictions WHERE sha256 = ? AND restored_at IS NULL').get(sha256) !==
    undefined
  );
}

const LAST_CHECKED = `SELECT c.sha256, min(c.id) AS clip_id, max(c.size) AS size, max(${HELD}) AS held,
    max(coalesce(k.checked_at, c.sealed_at)) AS checked
  FROM clips c LEFT JOIN clip_checks k ON k.clip_id = c.id
  WHERE NOT ${IN_PURGE} AND NOT ${EVICTED} GROUP BY c.sha256`;

/** A vault file to re-hash. */
export interface ScrubItem {
  readonly clipId: string;
  readonly sha256: string;
  readonly size: number;
  readonly held: boolean;
}

/**
 * Local files to re-hash: every held one last checked before `heldCheckedBefore` (R4: at least
 * monthly), then the `sample` least recently checked of the others.
 */
export function localScrubCandidates(db: Database, heldCheckedBefore: Date, sample: number): ScrubItem[] {
  const held = cachedStatement(
    db,
    `SELECT * FROM (${LAST_CHECKED}) WHERE held = 1 AND checked < ? ORDER BY checked`,
  ).all(heldCheckedBefore.getTime()) as Row[];
  const rest = cachedStatement(
    db,
    `SELECT * FROM (${LAST_CHECKED}) WHERE held = 0 ORDER BY checked LIMIT ?`,
  ).all(sample) as Row[];
  return [...held, ...rest].map((r) => ({
    clipId: r.clip_id as string,
    sha256: r.sha256 as string,
    size: r.size as number,
    held: r.held === 1,
  }));
}

/** An off-site copy to read back, with the lock it was given. */
export interface OffsiteScrubItem extends ScrubItem {
  readonly clipIds: string[];
  readonly key: string;
  readonly versionId: string | null;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
}

/** Off-site copies to read back: held ones last checked before the cut-off, then the oldest others. */
export function offsiteScrubCandidates(
  db: Database,
  store: string,
  heldCheckedBefore: Date,
  sample: number,
): OffsiteScrubItem[] {
  const sql = `SELECT o.sha256, o.object_key, o.version_id, o.size, o.last_checked_at, o.retain_until, o.legal_hold,
      (SELECT json_group_array(c.id) FROM clips c WHERE c.sha256 = o.sha256) AS clip_ids,
      EXISTS (SELECT 1 FROM clips c WHERE c.sha256 = o.sha256 AND ${HELD}) AS held
    FROM offsite_copies o WHERE o.store = ? AND o.last_result = 'ok'`;
  const held = cachedStatement(
    db,
    `SELECT * FROM (${sql}) WHERE held = 1 AND last_checked_at < ? ORDER BY last_checked_at`,
  ).all(store, heldCheckedBefore.getTime()) as Row[];
  const rest = cachedStatement(
    db,
    `SELECT * FROM (${sql}) WHERE held = 0 ORDER BY last_checked_at LIMIT ?`,
  ).all(store, sample) as Row[];
  return [...held, ...rest].map((r) => {
    const clipIds = JSON.parse(r.clip_ids as string) as string[];
    return {
      clipId: clipIds[0] ?? '',
      clipIds,
      sha256: r.sha256 as string,
      size: r.size as number,
      held: r.held === 1,
      key: r.object_key as string,
      versionId: r.version_id as string | null,
      retainUntil: dateOrNull(r.retain_until),
      legalHold: r.legal_hold === 1,
    };
  });
}

/** Bytes sealed since `since` (the space forecast's rate). */
export function bytesSealedSince(db: Database, since: Date): number {
  return cachedStatement(db, 'SELECT coalesce(sum(size), 0) FROM clips WHERE sealed_at >= ?')
    .pluck()
    .get(since.getTime()) as number;
}

/** How many distinct files the vault holds (the scrub's sample is a share of it). */
export function fileCount(db: Database): number {
  return cachedStatement(db, 'SELECT count(DISTINCT sha256) FROM clips').pluck().get() as number;
}

/** Where one sealed file stands (see fileStates), or null when it is simply in the vault. */
export function fileState(db: Database, sha256: string): 'purged' | 'recoverable' | 'evicted' | null {
  const p = cachedStatement(
    db,
    `SELECT p.status FROM purges p, json_each(p.sha256s) j WHERE j.value = ? AND p.status IN ('recoverable', 'completed')
     ORDER BY p.status = 'completed' DESC LIMIT 1`,
  )
    .pluck()
    .get(sha256) as string | undefined;
  if (p) return p === 'completed' ? 'purged' : 'recoverable';
  return isEvicted(db, sha256) ? 'evicted' : null;
}
