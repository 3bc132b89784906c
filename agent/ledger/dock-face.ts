import type { Database } from 'better-sqlite3';
import { openAlert } from './alert-writes.ts';
import * as custody from './custody-writes.ts';
import type { DockLedger } from './dock-ledger.ts';
import * as dockWrites from './dock-writes.ts';
import * as equipment from './equipment-writes.ts';
import * as lookups from './record-lookups.ts';
import * as sessions from './session-writes.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** How the dock's writes commit: relaxed transactions, and the wait for them to be on disk. */
export interface DockCommits {
  transaction<T>(fn: () => T): T;
  durable(): Promise<void>;
}

/**
 * The ledger's face for docking (DockLedger): each write is one transaction, committed without
 * waiting for the disk on the event loop (RelaxedCommits), each read a prepared statement. Built
 * by the Ledger as `ledger.dock`.
 */
export function createDockFace(ctx: WriteContext, db: Database, commits: DockCommits): DockLedger {
  const tx = <T>(fn: () => T): T => commits.transaction(fn);
  return {
    transaction: tx,
    durable: () => commits.durable(),
    findRecorder: (serial) => lookups.findRecorder(db, serial),
    findOfficer: (officerNo) => lookups.findOfficer(db, officerNo),
    registerOfficer: (input) => tx(() => equipment.registerOfficer(ctx, input)),
    boundOfficer: (serial) => {
      const row = cachedStatement(db, 'SELECT officer_no FROM recorder_bindings WHERE serial = ?').get(
        serial,
      ) as { officer_no: string | null } | undefined;
      return row?.officer_no ?? null;
    },
    lastOfficer: (serial) => lastOfficer(db, serial),
    openAssignment: (serial) => lookups.findOpenAssignment(db, serial),
    checkIn: (input) => tx(() => equipment.checkIn(ctx, input)),
    checkOut: (input) => tx(() => equipment.checkOut(ctx, input)),
    startSession: (input) => tx(() => sessions.startSession(ctx, input)),
    finishSession: (id, input) => tx(() => sessions.finishSession(ctx, id, input)),
    findSession: (id) => lookups.findSession(db, id),
    step: (sessionId, step, detail) => tx(() => dockWrites.recordSessionStep(ctx, sessionId, step, detail)),
    clipIdFor: (serial, sourcePath, sha256) => sessions.clipIdFor(ctx.dockId, serial, sourcePath, sha256),
    findClip: (id) => lookups.findClip(db, id),
    clipsAt: (serial, sourcePath, size) => custody.clipsAt(db, serial, sourcePath, size),
    recordSeal: (seal, context) => tx(() => sessions.recordSeal(ctx, seal, context)),
    clipTiming: (input) => tx(() => dockWrites.recordClipTiming(ctx, input)),
    previousClip: (serial, before) => dockWrites.findPreviousClip(db, serial, before),
    recentHeaderTimedClips: (serial, limit) => custody.recentHeaderTimedClips(db, serial, limit),
    isWiped: (clipId) => dockWrites.isWiped(db, clipId),
    intendWipe: (clipId, mtimeMs) => tx(() => custody.intendWipe(ctx, clipId, mtimeMs)),
    confirmWipe: (clipId, how) => tx(() => custody.confirmWipe(ctx, clipId, how)),
    cancelWipe: (clipId, reason) => tx(() => custody.cancelWipe(ctx, clipId, reason)),
    pendingWipes: (serial) => custody.pendingWipes(db, serial),
    recordUnreadable: (file, failure) => tx(() => custody.recordUnreadable(ctx, file, failure)),
    unreadableAttempts: (file) => custody.unreadableAttempts(db, file),
    openAlert: (input) => tx(() => openAlert(ctx, input)),
    isAlertOpen: (kind, subject) => lookups.findOpenAlert(db, kind, subject) !== null,
  };
}

/** The officer of the recorder's latest check-out, else of its latest session that named one. */
function lastOfficer(db: Database, serial: string): string | null {
  const out = cachedStatement(
    db,
    'SELECT officer_no FROM assignments WHERE recorder_serial = ? ORDER BY checked_out_at DESC LIMIT 1',
  ).get(serial) as { officer_no: string } | undefined;
  if (out) return out.officer_no;
  const session = cachedStatement(
    db,
    `SELECT officer_no FROM sessions WHERE recorder_serial = ? AND officer_no IS NOT NULL
     ORDER BY started_at DESC LIMIT 1`,
  ).get(serial) as { officer_no: string } | undefined;
  return session?.officer_no ?? null;
}
