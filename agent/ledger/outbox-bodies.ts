/**
 * The body of each kind of outbox record: what the ledger writes in the transaction of an event,
 * and what the forwarder maps to the record that leaves the box (agent/forwarder/record-mapping.ts).
 * One type per kind, shared by the writer and the mapper. Times are ISO-8601 UTC strings.
 */
import type { Checkpoint } from './checkpoint.ts';
import type { AlertSeverity, SessionOutcome, VerifiedBy } from './event-types.ts';
import type { LifecycleBody } from './lifecycle-outbox.ts';

/** A sealed clip: the seal's facts, who carried the recorder, and its flags. */
export interface ClipBody {
  readonly clipId: string;
  readonly sessionId: string;
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly sha256: string;
  readonly verifiedBy: VerifiedBy;
  readonly sealedAt: string;
  readonly recordingStart: string | null;
  readonly recordingEnd: string | null;
  readonly durationMs: number | null;
  readonly flags: readonly string[];
  readonly dockId: string;
  readonly officerNo: string | null;
  /** Personal data (R11), like unitName: withheld from targets that are not secure. */
  readonly officerName: string | null;
  readonly unitName: string | null;
  readonly late: boolean;
  readonly labels: readonly string[];
  readonly seq: number;
}

/** A docking, when it finished. */
export interface SessionBody {
  readonly sessionId: string;
  readonly dockId: string;
  readonly serial: string;
  readonly officerNo: string | null;
  readonly officerName: string | null;
  readonly unitName: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: SessionOutcome | null;
  readonly clockSkewMs: number | null;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
  readonly endBatteryPct: number | null;
  readonly endFreeBytes: number | null;
  readonly totalBytes: number | null;
  readonly clipCount: number;
  readonly seq: number;
}

/** A check-out (open) or its check-in (closed). */
export interface AssignmentBody {
  readonly assignmentId: string;
  readonly dockId: string;
  readonly serial: string;
  readonly officerNo: string;
  readonly officerName: string | null;
  readonly unitName: string | null;
  readonly state: 'open' | 'closed';
  readonly checkedOutAt: string;
  readonly checkedInAt: string | null;
  readonly outBatteryPct: number | null;
  readonly inBatteryPct: number | null;
  readonly outFreeBytes: number | null;
  readonly inFreeBytes: number | null;
  readonly seq: number;
}

/** An alert, when it opened and when it was resolved. */
export interface AlertBody {
  readonly alertId: string;
  readonly dockId: string;
  readonly kind: string;
  readonly severity: AlertSeverity;
  readonly subject: string;
  /** Free text that may name people (R11). */
  readonly detail: string | null;
  readonly state: 'open' | 'resolved';
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly note: string | null;
  readonly seq: number;
}

/** A fault report (R8), when reported and when resolved. Its free text never leaves the box. */
export interface FaultBody {
  readonly faultId: string;
  readonly serial: string;
  readonly reportedBy: string;
  readonly observedAt: string;
  readonly reportedAt: string;
  readonly deadlineHours: number;
  readonly deadlineMet: boolean;
  readonly dockId: string;
  readonly state: 'open' | 'resolved';
  readonly resolvedAt: string | null;
  readonly seq: number;
}

/** The dock's identity and checkpoint key, written once at genesis. */
export interface DockBody {
  readonly dockId: string;
  readonly publicKey: string;
  readonly keyId: string;
  readonly createdAt: string;
}

/** The body the ledger writes for each kind of outbox record. */
export interface OutboxBodies {
  readonly dock: DockBody;
  readonly clip: ClipBody;
  readonly session: SessionBody;
  readonly assignment: AssignmentBody;
  readonly fault: FaultBody;
  readonly alert: AlertBody;
  readonly checkpoint: Checkpoint;
  /** Labels, holds, retention classes and off-site copies (issue 15; lifecycle-outbox.ts). */
  readonly lifecycle: LifecycleBody;
}

/** Kinds of record the forwarder delivers to the central store. */
export type OutboxKind = keyof OutboxBodies;

type Nullable<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];

/**
 * A body as read back from the outbox. Rows written by an older build lack the fields added since
 * (every one that may be null, and those named in `Defaulted`), so the mapper reads them with a
 * fallback.
 */
export type StoredBody<T, Defaulted extends keyof T = never> = Omit<T, Nullable<T> | Defaulted> &
  Partial<Pick<T, Nullable<T> | Defaulted>>;

/** The body read back for each kind. */
export interface StoredBodies {
  readonly dock: DockBody;
  readonly clip: StoredBody<ClipBody, 'late' | 'flags' | 'labels'>;
  readonly session: StoredBody<SessionBody>;
  readonly assignment: StoredBody<AssignmentBody>;
  readonly fault: StoredBody<FaultBody>;
  readonly alert: StoredBody<AlertBody>;
  readonly checkpoint: Checkpoint;
  readonly lifecycle: LifecycleBody;
}
