import type { Database } from 'better-sqlite3';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import type { TimeSource } from './event-types.ts';
import { optionalInt, optionalText, optionalTime, requireOneOf, requireText } from './input-checks.ts';
import type { ClipRecord } from './ledger-records.ts';
import { findAlert, findClip, findOfficer, findSession } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

const TIME_SOURCES: readonly TimeSource[] = ['mvhd', 'filename', 'mtime'];

/** Record one transition of a dock session's state machine. */
export function recordSessionStep(
  ctx: WriteContext,
  sessionId: string,
  step: string,
  detail: string | null,
): void {
  const session = findSession(ctx.db, requireText('sessionId', sessionId));
  if (!session) throw new LedgerStateError(`the dock session ${sessionId} is not in the ledger`);
  ctx.events.append(
    'session.step',
    { sessionId, step: requireText('step', step), detail: optionalText('detail', detail) },
    ctx.now(),
  );
}

/** Where a clip's recording times came from, and the raw (device clock) values. */
export interface ClipTimingInput {
  readonly clipId: string;
  readonly timeSource: TimeSource;
  readonly rawStart: Date | null;
  readonly rawEnd: Date | null;
  readonly clockSkewMs: number | null;
}

/** Record a clip's time source and raw times, once, right after its seal. */
export function recordClipTiming(ctx: WriteContext, input: ClipTimingInput): void {
  const clipId = requireText('clipId', input.clipId);
  if (!findClip(ctx.db, clipId)) throw new LedgerStateError(`the clip ${clipId} is not sealed in the ledger`);
  if (cachedStatement(ctx.db, 'SELECT 1 FROM clip_timing WHERE clip_id = ?').get(clipId)) return;
  ctx.events.append(
    'clip.timed',
    {
      clipId,
      timeSource: requireOneOf('timeSource', input.timeSource, TIME_SOURCES),
      rawStart: optionalTime('rawStart', input.rawStart),
      rawEnd: optionalTime('rawEnd', input.rawEnd),
      clockSkewMs: optionalInt('clockSkewMs', input.clockSkewMs, Number.MIN_SAFE_INTEGER),
    },
    ctx.now(),
  );
}

/** A written explanation of a recording gap (R9). */
export interface GapExplanationInput {
  readonly alertId: string;
  readonly text: string;
  /** Officer numbers (警号) of the signatories: two or more, distinct, registered. */
  readonly signedBy: readonly string[];
}

/** Record a gap explanation signed by two or more officers; resolves the gap's alert. */
export function recordGapExplanation(ctx: WriteContext, input: GapExplanationInput): string[] {
  const alert = findAlert(ctx.db, requireText('alertId', input.alertId));
  if (alert?.kind !== 'recording-gap') {
    throw new LedgerStateError(
      `${input.alertId} is not a recording-gap alert: list them with 'dockctl alerts'`,
    );
  }
  if (alert.resolvedAt)
    throw new LedgerStateError(`the gap ${input.alertId} is already explained or resolved`);
  const text = requireText('text', input.text).trim();
  if (text.length < 10)
    throw new LedgerInputError('the explanation is too short: write what happened (at least 10 characters)');
  const signedBy = [...new Set(input.signedBy.map((s) => requireText('signedBy', s)))].sort();
  if (signedBy.length < 2)
    throw new LedgerInputError('a gap explanation must be signed by two or more different officers (R9)');
  const unknown = signedBy.filter((no) => !findOfficer(ctx.db, no));
  if (unknown.length > 0)
    throw new LedgerInputError(`officer ${unknown.join(', ')} is not registered: register them first`);
  const at = ctx.now();
  ctx.events.append(
    'gap.explained',
    { alertId: alert.id, text, signedBy, explainedAt: at.toISOString() },
    at,
  );
  return signedBy;
}

/** The clip already sealed for this recorder file with this size, if any (to skip it). */
export function findSealedFile(
  db: Database,
  serial: string,
  sourcePath: string,
  size: number,
): ClipRecord | null {
  const row = cachedStatement(
    db,
    'SELECT id FROM clips WHERE recorder_serial = ? AND source_path = ? AND size = ? ORDER BY seal_seq DESC LIMIT 1',
  ).get(serial, sourcePath, size) as { id: string } | undefined;
  return row ? findClip(db, row.id) : null;
}

/** The recorder's clip whose recording ended last at or before `before` (for gap detection). */
export function findPreviousClip(db: Database, serial: string, before: Date): ClipRecord | null {
  const row = cachedStatement(
    db,
    `SELECT id FROM clips WHERE recorder_serial = ? AND recording_end IS NOT NULL AND recording_end <= ?
     ORDER BY recording_end DESC LIMIT 1`,
  ).get(serial, before.getTime()) as { id: string } | undefined;
  return row ? findClip(db, row.id) : null;
}

/** True when a clip was wiped from its recorder. */
export function isWiped(db: Database, clipId: string): boolean {
  return cachedStatement(db, 'SELECT 1 FROM wiped_files WHERE clip_id = ?').get(clipId) !== undefined;
}

/** Steps of a session, oldest first. */
export function sessionSteps(
  db: Database,
  sessionId: string,
): { step: string; at: Date; detail: string | null }[] {
  const rows = cachedStatement(
    db,
    'SELECT step, at, detail FROM session_steps WHERE session_id = ? ORDER BY seq',
  ).all(sessionId) as { step: string; at: number; detail: string | null }[];
  return rows.map((r) => ({ step: r.step, at: new Date(r.at), detail: r.detail }));
}

/** Files wiped from a recorder, newest first, with their digests. */
export function wipedFiles(
  db: Database,
  serial: string,
): { sourcePath: string; sha256: string; size: number; wipedAt: Date }[] {
  const rows = cachedStatement(
    db,
    'SELECT source_path, sha256, size, wiped_at FROM wiped_files WHERE recorder_serial = ? ORDER BY seq DESC',
  ).all(serial) as { source_path: string; sha256: string; size: number; wiped_at: number }[];
  return rows.map((r) => ({
    sourcePath: r.source_path,
    sha256: r.sha256,
    size: r.size,
    wipedAt: new Date(r.wiped_at),
  }));
}

/** A gap explanation as stored (signatories are officer numbers, canonical JSON array). */
export function gapExplanation(
  db: Database,
  alertId: string,
): { text: string; signedBy: string[]; explainedAt: Date } | null {
  const row = cachedStatement(
    db,
    'SELECT text, signed_by, explained_at FROM gap_explanations WHERE alert_id = ?',
  ).get(alertId) as { text: string; signed_by: string; explained_at: number } | undefined;
  if (!row) return null;
  return {
    text: row.text,
    signedBy: JSON.parse(row.signed_by) as string[],
    explainedAt: new Date(row.explained_at),
  };
}
