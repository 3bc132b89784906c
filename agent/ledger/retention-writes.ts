import { requireActor } from './actor-checks.ts';
import { LedgerStateError } from './errors.ts';
import { optionalText, requireText } from './input-checks.ts';
import { clipsOfCase, withLifecycleRecords } from './lifecycle-outbox.ts';
import { findClip } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** R3: a case is closed; its evidence is kept for the case-file period from now. */
export function closeCase(
  ctx: WriteContext,
  input: { caseNo: string; closedBy: string; note?: string | null },
): void {
  const caseNo = requireText('caseNo', input.caseNo?.trim());
  const closedBy = requireActor(
    ctx.db,
    'closedBy',
    input.closedBy,
    ['manager', 'supervisor'],
    'closing a case',
  );
  const labelled = cachedStatement(ctx.db, 'SELECT 1 FROM clip_labels WHERE case_no = ? LIMIT 1').get(caseNo);
  if (!labelled)
    throw new LedgerStateError(`no clip is labelled with the case ${caseNo}: check the case number`);
  const at = ctx.now();
  withLifecycleRecords(ctx, clipsOfCase(ctx, caseNo), () =>
    ctx.events.append(
      'case.closed',
      {
        caseNo,
        closedAt: at.toISOString(),
        closedBy,
        note: optionalText('note', input.note?.trim() || null),
      },
      at,
    ),
  );
}

/** A closed case is open again: its evidence has no end until it is closed anew. */
export function reopenCase(
  ctx: WriteContext,
  input: { caseNo: string; reopenedBy: string; reason: string },
): void {
  const caseNo = requireText('caseNo', input.caseNo?.trim());
  const reopenedBy = requireActor(
    ctx.db,
    'reopenedBy',
    input.reopenedBy,
    ['manager', 'supervisor'],
    'reopening a case',
  );
  if (!cachedStatement(ctx.db, 'SELECT 1 FROM closed_cases WHERE case_no = ?').get(caseNo))
    throw new LedgerStateError(`the case ${caseNo} is not closed`);
  ctx.events.append(
    'case.reopened',
    { caseNo, reopenedBy, reason: requireText('reason', input.reason?.trim()) },
    ctx.now(),
  );
}

/** R3: the manager marks a clip as of no value (or takes the mark back). No event when unchanged. */
export function markNoValue(
  ctx: WriteContext,
  input: { clipId: string; noValue: boolean; by: string },
): void {
  const clipId = requireText('clipId', input.clipId);
  if (!findClip(ctx.db, clipId)) throw new LedgerStateError(`the clip ${clipId} is not sealed in the ledger`);
  const by = requireActor(ctx.db, 'by', input.by, ['manager'], 'marking footage of no value');
  const row = cachedStatement(ctx.db, 'SELECT no_value FROM clip_values WHERE clip_id = ?').get(clipId) as
    | { no_value: number }
    | undefined;
  if ((row?.no_value === 1) === input.noValue) return;
  withLifecycleRecords(ctx, [clipId], () =>
    ctx.events.append('clip.valued', { clipId, noValue: input.noValue === true, by }, ctx.now()),
  );
}
