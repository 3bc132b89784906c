/**
 * The ledger's event vocabulary: every state change is one of these, appended to the chain.
 * Field values are canonical-JSON friendly: strings, integers, booleans, null for "not known".
 * Times are ISO-8601 UTC strings with milliseconds (`Date.prototype.toISOString`).
 * The JSON Schema twin is schemas/ledger-event.schema.json; keep them in step.
 */

import { LIFECYCLE_EVENT_TYPES, type LifecycleEventData } from './lifecycle-events.ts';

/** Version of the event envelope and of every event body below. */
export const EVENT_FORMAT_VERSION = 1;

/** A recorder's service state (R8: a faulty recorder is not used). */
export type RecorderStatus = 'in_service' | 'faulty' | 'retired';

/** How a dock session ended. */
export type SessionOutcome = 'complete' | 'partial' | 'failed' | 'interrupted';

/** How the ingest core re-read the published copy before the seal. */
export type VerifiedBy = 'fadvise-dontneed' | 'o-direct' | 'buffered';

/** Where a clip's recording times came from: the MP4 movie header, the vendor file name, file times. */
export type TimeSource = 'mvhd' | 'filename' | 'mtime';

/** Alert severity as shown to the equipment manager. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Roles of local accounts (R6): what each may do is agent/access/permissions.ts. */
export type AccountRole = 'officer' | 'manager' | 'supervisor' | 'auditor' | 'admin';

/** What footage access is asked for. */
export type AccessPurpose = 'view' | 'export';

/** What the access log (查询台账) records. */
export type AccessAction =
  | 'view'
  | 'download'
  | 'export'
  | 'export-download'
  | 'ledger-export'
  | 'report'
  | 'access-log';

/** Result of re-hashing a clip's vault copy. */
export type ClipCheckResult = 'ok' | 'mismatch' | 'missing';

/** SHA-256 of the first `offset` bytes of a file: lets an interrupted copy resume safely. */
export interface PrefixDigest {
  readonly offset: number;
  readonly sha256: string;
}

/** Data of each event type, keyed by type name. */
export interface EventDataByType extends LifecycleEventData {
  'dock.created': { dockId: string; publicKey: string; keyId: string; createdAt: string };
  'recorder.registered': {
    serial: string;
    model: string | null;
    vendor: string | null;
    fingerprint: string | null;
    status: RecorderStatus;
  };
  'recorder.status_changed': { serial: string; status: RecorderStatus; reason: string | null };
  'officer.registered': { officerNo: string; name: string; unit: string | null; certNo: string | null };
  'session.started': {
    sessionId: string;
    serial: string;
    officerNo: string | null;
    startedAt: string;
    clockSkewMs: number | null;
    batteryPct: number | null;
    freeBytes: number | null;
    totalBytes: number | null;
  };
  'session.finished': {
    sessionId: string;
    finishedAt: string;
    outcome: SessionOutcome;
    batteryPct: number | null;
    freeBytes: number | null;
  };
  'clip.sealed': {
    clipId: string;
    sessionId: string;
    serial: string;
    sourcePath: string;
    size: number;
    sha256: string;
    prefixDigests: PrefixDigest[];
    verifiedBy: VerifiedBy;
    sealedAt: string;
    recordingStart: string | null;
    recordingEnd: string | null;
    durationMs: number | null;
    flags: string[];
    vault: string;
    /** The recorder file's modification time when it was opened (schema 7 on). */
    sourceMtimeMs?: number;
    /** SHA-256 of the file's first bytes, up to 1 MiB (schema 7 on). */
    headSha256?: string;
  };
  'recorder.checked_out': {
    assignmentId: string;
    serial: string;
    officerNo: string;
    checkedOutAt: string;
    batteryPct: number | null;
    freeBytes: number | null;
  };
  'recorder.checked_in': {
    assignmentId: string;
    serial: string;
    checkedInAt: string;
    batteryPct: number | null;
    freeBytes: number | null;
  };
  'fault.reported': {
    faultId: string;
    serial: string;
    reportedBy: string;
    observedAt: string;
    reportedAt: string;
    deadlineHours: number;
    deadlineMet: boolean;
    description: string;
  };
  'fault.resolved': { faultId: string; resolvedAt: string; note: string | null };
  'alert.opened': {
    alertId: string;
    kind: string;
    severity: AlertSeverity;
    subject: string;
    detail: string | null;
    openedAt: string;
    /** The facts of the alert's kind (agent/ledger/alert-kinds.ts; schema 7 on). */
    facts?: Record<string, string | number | boolean | null>;
  };
  'alert.resolved': { alertId: string; resolvedAt: string; resolvedBy: string | null; note: string | null };
  'session.step': { sessionId: string; step: string; detail: string | null };
  'clip.timed': {
    clipId: string;
    timeSource: TimeSource;
    rawStart: string | null;
    rawEnd: string | null;
    clockSkewMs: number | null;
  };
  'clip.wiped': {
    clipId: string;
    serial: string;
    sourcePath: string;
    sha256: string;
    size: number;
    wipedAt: string;
    /** How the wipe was known: the dock unlinked the file, or found it gone at the next dock after a crash. */
    how?: 'unlinked' | 'found-gone';
  };
  'clip.wipe_intended': {
    clipId: string;
    serial: string;
    sourcePath: string;
    size: number;
    mtimeMs: number;
    intendedAt: string;
  };
  'clip.wipe_cancelled': { clipId: string; reason: string };
  'file.unreadable': {
    serial: string;
    sourcePath: string;
    size: number;
    mtimeMs: number;
    position: number;
    errno: string | null;
    at: string;
  };
  'gap.explained': { alertId: string; text: string; signedBy: string[]; explainedAt: string };
  'account.saved': {
    username: string;
    role: AccountRole;
    officerNo: string | null;
    disabled: boolean;
    changedBy: string | null;
  };
  'clip.labelled': {
    clipId: string;
    caseNo: string | null;
    party: string | null;
    officerInCharge: string | null;
    important: boolean;
    labelledBy: string;
  };
  'access.requested': {
    requestId: string;
    requestedBy: string;
    clipIds: string[];
    purpose: AccessPurpose;
    reason: string;
    requestedAt: string;
  };
  'access.decided': {
    requestId: string;
    decision: 'approved' | 'denied';
    decidedBy: string;
    decidedAt: string;
    note: string | null;
    expiresAt: string | null;
  };
  'access.logged': {
    username: string;
    action: AccessAction;
    target: string;
    reason: string | null;
    requestId: string | null;
  };
  'export.created': {
    exportId: string;
    requestId: string | null;
    createdBy: string;
    caseNo: string | null;
    clipIds: string[];
    bytes: number;
    manifestSha256: string;
    createdAt: string;
  };
  'clip.checked': { clipId: string; result: ClipCheckResult; checkedBy: string | null; checkedAt: string };
  'recorder.bound': { serial: string; officerNo: string | null; boundBy: string };
}

/** Name of an event type. */
export type EventType = keyof EventDataByType;

/** Every event type, for validation of stored events. */
export const EVENT_TYPES: readonly EventType[] = [
  'dock.created',
  'recorder.registered',
  'recorder.status_changed',
  'officer.registered',
  'session.started',
  'session.finished',
  'clip.sealed',
  'recorder.checked_out',
  'recorder.checked_in',
  'fault.reported',
  'fault.resolved',
  'alert.opened',
  'alert.resolved',
  'session.step',
  'clip.timed',
  'clip.wiped',
  'gap.explained',
  'account.saved',
  'clip.labelled',
  'access.requested',
  'access.decided',
  'access.logged',
  'export.created',
  'clip.checked',
  'recorder.bound',
  'clip.wipe_intended',
  'clip.wipe_cancelled',
  'file.unreadable',
  ...LIFECYCLE_EVENT_TYPES,
];

/** The envelope that is canonically encoded and hashed: one per sequence number. */
export interface LedgerEvent<T extends EventType = EventType> {
  readonly v: typeof EVENT_FORMAT_VERSION;
  readonly seq: number;
  readonly type: T;
  /** When the event was recorded, by the dock's clock. */
  readonly at: string;
  readonly dock: string;
  readonly data: EventDataByType[T];
}

/** An event of any type, discriminated on `type`. */
export type AnyLedgerEvent = { [T in EventType]: LedgerEvent<T> }[EventType];
