/**
 * The records that leave the box, version 1. Each has a JSON Schema twin in `schemas/` (named
 * beside each type); keep them in step. Every record carries a stable `id`, so a resend is
 * recognisably the same record, and the fields below.
 */
import type { Checkpoint } from '../ledger/checkpoint.ts';
import type { LifecycleRecordOut } from './lifecycle-mapping.ts';

/** Version of every record format below and of the batch envelope. */
export const RECORD_FORMAT_VERSION = 1;

/** Fields every forwarded record has. */
export interface RecordBase {
  readonly v: typeof RECORD_FORMAT_VERSION;
  /** Stable across resends and epochs: `clip:<id>`, `assignment:<id>:in`, `checkpoint:<dock>:<seq>` … */
  readonly id: string;
  readonly dock: string;
  /** Forwarding sequence number: the record's outbox position on its dock. */
  readonly seq: number;
  /** The ledger event the record comes from (a checkpoint's own seq). */
  readonly eventSeq: number;
  /** True when personal fields were withheld (sent as null) because the target is not secure (R11). */
  readonly redacted: boolean;
}

/** A sealed clip (schemas/index-record.schema.json). */
export interface ClipIndexRecord extends RecordBase {
  readonly type: 'clip-index';
  readonly clipId: string;
  readonly sessionId: string;
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly sha256: string;
  readonly verifiedBy: string;
  readonly sealedAt: string;
  readonly recordingStart: string | null;
  readonly recordingEnd: string | null;
  readonly durationMs: number | null;
  readonly late: boolean;
  readonly flags: readonly string[];
  readonly labels: readonly string[];
  readonly caseNo: string | null;
  readonly officerNo: string | null;
  readonly officerName: string | null;
  readonly unitName: string | null;
  readonly partyName: string | null;
}

/** A check-out/check-in or a docking (schemas/usage-session.schema.json). */
export interface UsageSessionRecord extends RecordBase {
  readonly type: 'usage-session';
  readonly sessionType: 'checkout' | 'docking';
  readonly sessionId: string;
  readonly serial: string;
  readonly state: 'open' | 'closed';
  readonly officerNo: string | null;
  readonly officerName: string | null;
  readonly unitName: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly startBatteryPct: number | null;
  readonly endBatteryPct: number | null;
  readonly startFreeBytes: number | null;
  readonly endFreeBytes: number | null;
  readonly outcome: string | null;
  readonly clockSkewMs: number | null;
  readonly totalBytes: number | null;
  readonly clipCount: number | null;
}

/** The R8 facts of a fault report, inside an alert record. */
export interface FaultFacts {
  readonly serial: string;
  readonly reportedBy: string;
  readonly observedAt: string;
  readonly reportedAt: string;
  readonly deadlineHours: number;
  readonly deadlineMet: boolean;
}

/** An alert or a fault report, opened or resolved (schemas/alert-record.schema.json). */
export interface AlertRecordOut extends RecordBase {
  readonly type: 'alert';
  readonly alertId: string;
  readonly source: 'alert' | 'fault';
  readonly kind: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly subject: string;
  readonly state: 'open' | 'resolved';
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly detail: string | null;
  readonly note: string | null;
  readonly fault: FaultFacts | null;
}

/** A signed checkpoint (schemas/checkpoint-record.schema.json wrapping checkpoint.schema.json). */
export interface CheckpointRecordOut extends RecordBase {
  readonly type: 'checkpoint';
  readonly checkpoint: Checkpoint;
}

/** The dock's identity and checkpoint key (schemas/dock-record.schema.json). */
export interface DockRecordOut extends RecordBase {
  readonly type: 'dock';
  readonly publicKey: string;
  readonly keyId: string;
  readonly createdAt: string;
}

/** Any forwarded record. */
export type ForwardRecord =
  | ClipIndexRecord
  | UsageSessionRecord
  | AlertRecordOut
  | CheckpointRecordOut
  | DockRecordOut
  | LifecycleRecordOut;

/** One request or object: consecutive records under one epoch (schemas/batch-envelope.schema.json). */
export interface BatchEnvelope {
  readonly v: typeof RECORD_FORMAT_VERSION;
  readonly type: 'batch';
  readonly dock: string;
  readonly epoch: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
  readonly records: ForwardRecord[];
}
