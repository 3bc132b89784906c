import type { Database } from 'better-sqlite3';
import { withWords } from '../i18n/error-words.ts';
import { resolveAlert } from './alert-writes.ts';
import { recordGapExplanation } from './dock-writes.ts';
import { LedgerStateError } from './errors.ts';
import type { GapSignMethod } from './event-types.ts';
import { checkedExplanation, openGapAlert } from './gap-checks.ts';
import { requireOneOf, requireText } from './input-checks.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

const METHODS: readonly GapSignMethod[] = ['own-login', 'in-person', 'console'];

/** One signature of a gap explanation. */
export interface GapSignature {
  readonly officerNo: string;
  readonly username: string;
  readonly method: GapSignMethod;
  readonly signedAt: Date;
}

/** A recording gap's explanation as entered, and who has signed it so far (R9). */
export interface GapDraft {
  readonly alertId: string;
  /** The event that entered this text: signatures name it, so a new text voids them. */
  readonly draftSeq: number;
  readonly text: string;
  /** Officer numbers who must sign, sorted. */
  readonly signers: string[];
  readonly enteredBy: string;
  readonly enteredAt: Date;
  readonly signatures: GapSignature[];
  /** When the supervisor read it, and who (after it was explained). */
  readonly acknowledged: { by: string; at: Date } | null;
}

/** Enter (or replace) the explanation of an open recording gap, naming who must sign it. */
export interface GapDraftInput {
  readonly alertId: string;
  readonly text: string;
  /** Officer numbers (人员编号): two or more, distinct, registered. */
  readonly signers: readonly string[];
  readonly enteredBy: string;
}

function openGap(ctx: WriteContext, alertId: string) {
  return openGapAlert(ctx, alertId);
}

/** R9: record the explanation text and its signers; earlier signatures of this gap lapse. */
export function draftGapExplanation(ctx: WriteContext, input: GapDraftInput): GapDraft {
  const alert = openGap(ctx, input.alertId);
  const { text, signers } = checkedExplanation(ctx, input.text, input.signers);
  const at = ctx.now();
  ctx.events.append(
    'gap.drafted',
    {
      alertId: alert.id,
      text,
      signers,
      enteredBy: requireText('enteredBy', input.enteredBy),
      enteredAt: at.toISOString(),
    },
    at,
  );
  return gapDraft(ctx.db, alert.id) as GapDraft;
}

/** One signer's signature, after their password was checked by the caller. */
export interface GapSignInput {
  readonly alertId: string;
  readonly officerNo: string;
  /** The account whose password was given. */
  readonly username: string;
  readonly method: GapSignMethod;
}

/**
 * Sign the current explanation of a gap as one of its signers. When every signer has signed, the
 * explanation is recorded (gap.explained) and the gap's alert resolved, in the same transaction.
 * Returns the draft as it stands, and whether this signature completed it.
 */
export function signGapExplanation(
  ctx: WriteContext,
  input: GapSignInput,
): { draft: GapDraft; complete: boolean } {
  const alert = openGap(ctx, input.alertId);
  const draft = gapDraft(ctx.db, alert.id);
  if (!draft)
    throw withWords(
      new LedgerStateError(`the gap ${alert.id} has no explanation to sign yet: enter it first`),
      'err.gap.noDraft',
    );
  const officerNo = requireText('officerNo', input.officerNo);
  if (!draft.signers.includes(officerNo))
    throw withWords(
      new LedgerStateError(
        `officer ${officerNo} is not a signer of this explanation: only the named officers sign it`,
      ),
      'err.gap.notSigner',
      { no: officerNo },
    );
  if (draft.signatures.some((s) => s.officerNo === officerNo))
    throw withWords(
      new LedgerStateError(`officer ${officerNo} has already signed this explanation`),
      'err.gap.signedAlready',
      { no: officerNo },
    );
  const at = ctx.now();
  ctx.events.append(
    'gap.signed',
    {
      alertId: alert.id,
      draftSeq: draft.draftSeq,
      officerNo,
      username: requireText('username', input.username),
      method: requireOneOf('method', input.method, METHODS),
      signedAt: at.toISOString(),
    },
    at,
  );
  const signed = gapDraft(ctx.db, alert.id) as GapDraft;
  const complete = signed.signers.every((no) => signed.signatures.some((s) => s.officerNo === no));
  if (complete) {
    recordGapExplanation(ctx, { alertId: alert.id, text: signed.text, signedBy: signed.signers });
    resolveAlert(ctx, alert.id, { resolvedBy: signed.signers.join(','), note: null });
  }
  return { draft: signed, complete };
}

/** The supervisor read an explained gap (R9: the explanation is reported to the responsible leader). */
export function acknowledgeGap(ctx: WriteContext, alertId: string, by: string): void {
  const row = cachedStatement(ctx.db, 'SELECT 1 FROM gap_explanations WHERE alert_id = ?').get(alertId);
  if (!row)
    throw withWords(
      new LedgerStateError(`the gap ${alertId} is not explained yet: nothing to acknowledge`),
      'err.gap.notExplained',
    );
  if (cachedStatement(ctx.db, 'SELECT 1 FROM gap_acknowledgements WHERE alert_id = ?').get(alertId)) return;
  const at = ctx.now();
  ctx.events.append(
    'gap.acknowledged',
    { alertId, acknowledgedBy: requireText('by', by), acknowledgedAt: at.toISOString() },
    at,
  );
}

type Row = Record<string, unknown>;

/** The current explanation of a gap with its signatures, or null when none was entered. */
export function gapDraft(db: Database, alertId: string): GapDraft | null {
  const row = cachedStatement(db, 'SELECT * FROM gap_drafts WHERE alert_id = ?').get(alertId) as
    | Row
    | undefined;
  if (!row) return null;
  const draftSeq = row.draft_seq as number;
  const signatures = (
    cachedStatement(db, 'SELECT * FROM gap_signatures WHERE alert_id = ? AND draft_seq = ? ORDER BY seq').all(
      alertId,
      draftSeq,
    ) as Row[]
  ).map((s) => ({
    officerNo: s.officer_no as string,
    username: s.username as string,
    method: s.method as GapSignMethod,
    signedAt: new Date(s.signed_at as number),
  }));
  const ack = cachedStatement(db, 'SELECT * FROM gap_acknowledgements WHERE alert_id = ?').get(alertId) as
    | Row
    | undefined;
  return {
    alertId,
    draftSeq,
    text: row.text as string,
    signers: JSON.parse(row.signers as string) as string[],
    enteredBy: row.entered_by as string,
    enteredAt: new Date(row.entered_at as number),
    signatures,
    acknowledged: ack
      ? { by: ack.acknowledged_by as string, at: new Date(ack.acknowledged_at as number) }
      : null,
  };
}

/** Drafts of open gaps that still wait for this officer's signature. */
export function draftsAwaiting(db: Database, officerNo: string): GapDraft[] {
  const ids = cachedStatement(
    db,
    `SELECT d.alert_id FROM gap_drafts d JOIN alerts a ON a.id = d.alert_id
     WHERE a.resolved_at IS NULL AND EXISTS (SELECT 1 FROM json_each(d.signers) WHERE value = ?)
       AND NOT EXISTS (SELECT 1 FROM gap_signatures s WHERE s.alert_id = d.alert_id AND s.draft_seq = d.draft_seq
         AND s.officer_no = ?)
     ORDER BY d.entered_at`,
  ).all(officerNo, officerNo) as { alert_id: string }[];
  return ids.map((r) => gapDraft(db, r.alert_id) as GapDraft);
}

/** Explained gaps the supervisor has not acknowledged yet, oldest first. */
export function explainedUnacknowledged(db: Database): string[] {
  return (
    cachedStatement(
      db,
      `SELECT e.alert_id FROM gap_explanations e LEFT JOIN gap_acknowledgements k ON k.alert_id = e.alert_id
       WHERE k.alert_id IS NULL ORDER BY e.explained_at`,
    ).all() as { alert_id: string }[]
  ).map((r) => r.alert_id);
}
