import type { Database } from 'better-sqlite3';
import { LedgerStateError } from './errors.ts';
import { optionalText, requireInt, requireText } from './input-checks.ts';
import type { ClipRecord } from './ledger-records.ts';
import { unreadableFileKey } from './projection.ts';
import { findClip } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/**
 * Custody of recorder files (issue 12): a wipe is recorded as an intent before the file is
 * unlinked and confirmed after, so a crash in between is reconciled at the next dock; files that
 * fail to read are counted so they are retried a bounded number of times and never wiped.
 */

/** A wipe recorded as intended and not yet confirmed or cancelled. */
export interface WipeIntent {
  readonly clipId: string;
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly intendedAt: Date;
}

/** Record, durably, that the recorder file of `clipId` is about to be deleted. Idempotent. */
export function intendWipe(ctx: WriteContext, clipId: string, mtimeMs: number): void {
  const clip = requireClip(ctx.db, clipId);
  if (cachedStatement(ctx.db, 'SELECT 1 FROM wipe_intents WHERE clip_id = ?').get(clipId)) return;
  if (cachedStatement(ctx.db, 'SELECT 1 FROM wiped_files WHERE clip_id = ?').get(clipId))
    throw new LedgerStateError(`the clip ${clipId} is already wiped from its recorder`);
  const at = ctx.now();
  ctx.events.append(
    'clip.wipe_intended',
    {
      clipId,
      serial: clip.serial,
      sourcePath: clip.sourcePath,
      size: clip.size,
      mtimeMs: requireInt('mtimeMs', Math.trunc(mtimeMs), 0),
      intendedAt: at.toISOString(),
    },
    at,
  );
}

/**
 * Record that the sealed file was deleted from its recorder: `unlinked` by the dock just now, or
 * `found-gone` at the next dock after a crash left an intent. Idempotent.
 */
export function confirmWipe(ctx: WriteContext, clipId: string, how: 'unlinked' | 'found-gone'): void {
  const clip = requireClip(ctx.db, clipId);
  if (cachedStatement(ctx.db, 'SELECT 1 FROM wiped_files WHERE clip_id = ?').get(clipId)) return;
  const at = ctx.now();
  ctx.events.append(
    'clip.wiped',
    {
      clipId,
      serial: clip.serial,
      sourcePath: clip.sourcePath,
      sha256: clip.sha256,
      size: clip.size,
      wipedAt: at.toISOString(),
      how,
    },
    at,
  );
}

/** A recorded intent that did not happen: the file stays on the recorder. No-op without one. */
export function cancelWipe(ctx: WriteContext, clipId: string, reason: string): void {
  if (!cachedStatement(ctx.db, 'SELECT 1 FROM wipe_intents WHERE clip_id = ?').get(clipId)) return;
  ctx.events.append('clip.wipe_cancelled', { clipId, reason: requireText('reason', reason) }, ctx.now());
}

/** Wipes of this recorder recorded as intended and not yet confirmed or cancelled. */
export function pendingWipes(db: Database, serial: string): WipeIntent[] {
  const rows = cachedStatement(
    db,
    `SELECT clip_id, recorder_serial, source_path, size, mtime_ms, intended_at FROM wipe_intents
     WHERE recorder_serial = ? ORDER BY seq`,
  ).all(serial) as {
    clip_id: string;
    recorder_serial: string;
    source_path: string;
    size: number;
    mtime_ms: number;
    intended_at: number;
  }[];
  return rows.map((r) => ({
    clipId: r.clip_id,
    serial: r.recorder_serial,
    sourcePath: r.source_path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    intendedAt: new Date(r.intended_at),
  }));
}

/** A recorder file as it was listed: enough to tell it again at the next dock. */
export interface RecorderFileRef {
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Count one failed read of a recorder file; returns how many times it failed so far. */
export function recordUnreadable(
  ctx: WriteContext,
  file: RecorderFileRef,
  failure: { readonly position: number; readonly errno: string | null },
): number {
  const at = ctx.now();
  ctx.events.append(
    'file.unreadable',
    {
      serial: requireText('serial', file.serial),
      sourcePath: requireText('sourcePath', file.sourcePath),
      size: requireInt('size', file.size, 0),
      mtimeMs: requireInt('mtimeMs', Math.trunc(file.mtimeMs), 0),
      position: requireInt('position', failure.position, 0),
      errno: optionalText('errno', failure.errno),
      at: at.toISOString(),
    },
    at,
  );
  return unreadableAttempts(ctx.db, file);
}

/** How many times reading this recorder file failed. */
export function unreadableAttempts(db: Database, file: RecorderFileRef): number {
  const row = cachedStatement(db, 'SELECT attempts FROM unreadable_files WHERE file_key = ?').get(
    unreadableFileKey(file.serial, file.sourcePath, file.size, file.mtimeMs),
  ) as { attempts: number } | undefined;
  return row?.attempts ?? 0;
}

/** Clips sealed from this recorder path with this size, newest first (candidates, never proof). */
export function clipsAt(db: Database, serial: string, sourcePath: string, size: number): ClipRecord[] {
  const rows = cachedStatement(
    db,
    'SELECT id FROM clips WHERE recorder_serial = ? AND source_path = ? AND size = ? ORDER BY seal_seq DESC',
  ).all(serial, sourcePath, size) as { id: string }[];
  return rows.map((r) => findClip(db, r.id) as ClipRecord);
}

/**
 * The recorder's latest clips timed from their MP4 header, with the raw (device clock) start:
 * what the dock compares with their file names to learn the recorder's clock zone.
 */
export function recentHeaderTimedClips(
  db: Database,
  serial: string,
  limit: number,
): { sourcePath: string; rawStart: Date }[] {
  const rows = cachedStatement(
    db,
    `SELECT c.source_path, t.raw_start FROM clips c JOIN clip_timing t ON t.clip_id = c.id
     WHERE c.recorder_serial = ? AND t.time_source = 'mvhd' AND t.raw_start IS NOT NULL
     ORDER BY c.seal_seq DESC LIMIT ?`,
  ).all(serial, limit) as { source_path: string; raw_start: number }[];
  return rows.map((r) => ({ sourcePath: r.source_path, rawStart: new Date(r.raw_start) }));
}

function requireClip(db: Database, clipId: string): ClipRecord {
  const clip = findClip(db, requireText('clipId', clipId));
  if (!clip)
    throw new LedgerStateError(`the clip ${clipId} is not sealed: a file is wiped only after its seal`);
  return clip;
}
