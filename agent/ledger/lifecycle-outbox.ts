import type { HoldGround, HoldScope } from './lifecycle-events.ts';
import { addToOutbox } from './outbox.ts';
import { retentionRows } from './retention-queries.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** A clip's R2 labels, after each change: the central store finds footage by case (案号). */
export interface LabelChangeBody {
  readonly change: 'labelled';
  readonly clipId: string;
  readonly sha256: string;
  readonly caseNo: string | null;
  /** 当事人: personal data (R11), withheld from a target that is not encrypted and authenticated. */
  readonly partyName: string | null;
  readonly officerInCharge: string | null;
  readonly important: boolean;
  readonly labelledBy: string;
  readonly at: string;
}

/** An R4 hold placed or lifted. */
export interface HoldChangeBody {
  readonly change: 'held' | 'hold-lifted';
  readonly holdId: string;
  readonly scope: HoldScope;
  readonly clipId: string | null;
  readonly sessionId: string | null;
  readonly serial: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly ground: HoldGround;
  /** The case's name may name the party: personal data (R11). */
  readonly caseName: string | null;
  readonly caseNo: string;
  readonly by: string;
  readonly at: string;
}

/** A clip's R3 retention class and what it rests on (the end follows from the site's periods). */
export interface ClassChangeBody {
  readonly change: 'classified';
  readonly clipId: string;
  readonly retentionClass: 'evidence' | 'exported' | 'routine' | 'no-value';
  readonly caseNo: string | null;
  readonly caseClosedAt: string | null;
  readonly lastExportAt: string | null;
  readonly noValue: boolean;
  readonly at: string;
}

/** A verified (or failed) off-site copy (R2, R4). */
export interface CopyChangeBody {
  readonly change: 'copied';
  readonly sha256: string;
  readonly clipIds: readonly string[];
  readonly store: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly purpose: 'copy' | 'scrub' | 'fetch';
  readonly result: 'ok' | 'mismatch' | 'missing';
  readonly verifiedAt: string;
  readonly retainUntil: string | null;
  readonly legalHold: boolean;
  readonly lockKept: boolean | null;
  readonly at: string;
}

/** The body of a lifecycle outbox record (kind `lifecycle`). */
export type LifecycleBody = (LabelChangeBody | HoldChangeBody | ClassChangeBody | CopyChangeBody) & {
  readonly dockId: string;
  readonly seq: number;
};

function queue(ctx: WriteContext, recordId: string, body: LifecycleBody): void {
  addToOutbox(ctx.db, { kind: 'lifecycle', recordId, eventSeq: body.seq, body, createdAt: ctx.now() });
}

/** Queue a hold record (`hold:<id>:placed|lifted`) in the transaction of its event. */
export function queueHold(ctx: WriteContext, body: HoldChangeBody, seq: number): void {
  queue(ctx, `hold:${body.holdId}:${body.change === 'held' ? 'placed' : 'lifted'}`, {
    ...body,
    dockId: ctx.dockId,
    seq,
  });
}

/** Queue a copy record (`copy:<seq>`) in the transaction of its `copy.verified` event. */
export function queueCopy(ctx: WriteContext, body: Omit<CopyChangeBody, 'clipIds'>, seq: number): void {
  const clipIds = cachedStatement(ctx.db, 'SELECT id FROM clips WHERE sha256 = ? ORDER BY seal_seq')
    .pluck()
    .all(body.sha256) as string[];
  queue(ctx, `copy:${seq}`, { ...body, clipIds, dockId: ctx.dockId, seq });
}

type ClassFacts = Omit<ClassChangeBody, 'change' | 'at' | 'clipId'>;

function classFacts(ctx: WriteContext, clipIds: readonly string[]): Map<string, ClassFacts> {
  return new Map(
    retentionRows(ctx.db, clipIds).map((r) => [
      r.clipId,
      {
        retentionClass: r.caseNo
          ? 'evidence'
          : r.lastExportAt
            ? 'exported'
            : r.noValue
              ? 'no-value'
              : 'routine',
        caseNo: r.caseNo,
        caseClosedAt: r.caseClosedAt?.toISOString() ?? null,
        lastExportAt: r.lastExportAt?.toISOString() ?? null,
        noValue: r.noValue,
      },
    ]),
  );
}

function labelBody(ctx: WriteContext, clipId: string, at: string): LabelChangeBody | null {
  const r = cachedStatement(
    ctx.db,
    `SELECT c.sha256, l.case_no, l.party, l.officer_in_charge, l.important, l.labelled_by
     FROM clip_labels l JOIN clips c ON c.id = l.clip_id WHERE l.clip_id = ?`,
  ).get(clipId) as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    change: 'labelled',
    clipId,
    sha256: r.sha256 as string,
    caseNo: r.case_no as string | null,
    partyName: r.party as string | null,
    officerInCharge: r.officer_in_charge as string | null,
    important: r.important === 1,
    labelledBy: r.labelled_by as string,
    at,
  };
}

/**
 * Run a write that may change clips' labels, exports, marks or cases, and queue what changed for
 * the central store in the same transaction: each new labelling (`label:<clip>:<seq>`) and each
 * changed retention class or basis (`retention:<clip>:<seq>`). Nothing is queued when the write
 * appended no event.
 */
export function withLifecycleRecords<T>(ctx: WriteContext, clipIds: readonly string[], write: () => T): T {
  const before = classFacts(ctx, clipIds);
  const seqBefore = ctx.events.head().seq;
  const result = write();
  const seq = ctx.events.head().seq;
  if (seq === seqBefore) return result;
  const at = ctx.now().toISOString();
  const labelled = new Set(
    cachedStatement(
      ctx.db,
      "SELECT json_extract(body, '$.data.clipId') FROM events WHERE seq > ? AND type = 'clip.labelled'",
    )
      .pluck()
      .all(seqBefore) as string[],
  );
  for (const [clipId, facts] of classFacts(ctx, clipIds)) {
    const label = labelled.has(clipId) ? labelBody(ctx, clipId, at) : null;
    if (label) queue(ctx, `label:${clipId}:${seq}`, { ...label, dockId: ctx.dockId, seq });
    if (JSON.stringify(before.get(clipId)) !== JSON.stringify(facts))
      queue(ctx, `retention:${clipId}:${seq}`, {
        change: 'classified',
        clipId,
        ...facts,
        at,
        dockId: ctx.dockId,
        seq,
      });
  }
  return result;
}

/** The clips labelled with a case number (a case closed or reopened changes their retention). */
export function clipsOfCase(ctx: WriteContext, caseNo: string): string[] {
  return cachedStatement(ctx.db, 'SELECT clip_id FROM clip_labels WHERE case_no = ?')
    .pluck()
    .all(caseNo) as string[];
}
