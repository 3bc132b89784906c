import type { AnyAlertInput } from './alert-writes.ts';
import type { RecorderFileRef, WipeIntent } from './custody-writes.ts';
import type { ClipTimingInput } from './dock-writes.ts';
import type { CheckInInput, CheckOutInput, OfficerInput } from './equipment-writes.ts';
import type {
  AlertRecord,
  AssignmentRecord,
  ClipRecord,
  OfficerRecord,
  RecorderRecord,
  SessionRecord,
} from './ledger-records.ts';
import type { SealContext, SealInput, SessionFinishInput, SessionStartInput } from './session-writes.ts';

/**
 * The face of the ledger that docking uses (the dock manager, the session, the sealer and
 * admission), and nothing more. The real Ledger offers it as `ledger.dock` (dock-face.ts); the
 * dock's unit tests run against an in-memory twin (test/fixtures/dock/memory-dock-ledger.ts) that
 * a shared contract test holds to the same behaviour.
 */
export interface DockLedger {
  /**
   * Run several writes as one transaction (all or nothing). Writes of this face commit without
   * waiting for the disk: a crash of the process keeps them, a power cut may drop the newest.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Resolves once every write made before the call is on disk (one fsync, off the event loop).
   * Await it before acting on a write that must survive a power cut: a seal before the wipe it
   * allows, a wipe intent before the unlink, a session's end before it is reported complete.
   */
  durable(): Promise<void>;

  // Equipment and officers (R7).
  findRecorder(serial: string): RecorderRecord | null;
  findOfficer(officerNo: string): OfficerRecord | null;
  registerOfficer(input: OfficerInput): OfficerRecord;
  /** The officer the equipment manager bound this recorder to, if any. */
  boundOfficer(serial: string): string | null;
  /** The officer the recorder was last handed to, else whose number it last reported. */
  lastOfficer(serial: string): string | null;
  openAssignment(serial: string): AssignmentRecord | null;
  checkIn(input: CheckInInput): AssignmentRecord | null;
  checkOut(input: CheckOutInput): AssignmentRecord;

  // Sessions.
  startSession(input: SessionStartInput): SessionRecord;
  finishSession(sessionId: string, input: SessionFinishInput): SessionRecord;
  findSession(sessionId: string): SessionRecord | null;
  step(sessionId: string, step: string, detail: string | null): void;

  // Seals.
  clipIdFor(serial: string, sourcePath: string, sha256: string): string;
  findClip(clipId: string): ClipRecord | null;
  /** Clips sealed from this recorder path with this size, newest first: candidates, not proof. */
  clipsAt(serial: string, sourcePath: string, size: number): ClipRecord[];
  /** Record a seal; idempotent by clip id. Durable once `durable()` resolves. */
  recordSeal(seal: SealInput, context: SealContext): ClipRecord;
  clipTiming(input: ClipTimingInput): void;
  /** The recorder's clip whose recording ended last at or before `before` (R9 gaps). */
  previousClip(serial: string, before: Date): ClipRecord | null;
  /** Recent clips timed from their MP4 header, with the raw start (for the recorder's clock zone). */
  recentHeaderTimedClips(serial: string, limit: number): { sourcePath: string; rawStart: Date }[];

  // Wipes: intent before the unlink, confirmation after (issue 12).
  isWiped(clipId: string): boolean;
  intendWipe(clipId: string, mtimeMs: number): void;
  confirmWipe(clipId: string, how: 'unlinked' | 'found-gone'): void;
  cancelWipe(clipId: string, reason: string): void;
  pendingWipes(serial: string): WipeIntent[];

  // Files that fail to read (bad sectors).
  recordUnreadable(file: RecorderFileRef, failure: { position: number; errno: string | null }): number;
  unreadableAttempts(file: RecorderFileRef): number;

  // Alerts.
  openAlert(input: AnyAlertInput): AlertRecord;
  /** True when an alert of this kind about this subject is still open. */
  isAlertOpen(kind: AnyAlertInput['kind'], subject: string): boolean;
}
