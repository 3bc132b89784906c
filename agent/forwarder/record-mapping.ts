import type { OutboxRecord, OutboxRow } from '../ledger/outbox.ts';
import { lifecycleRecord } from './lifecycle-mapping.ts';
import {
  type AlertRecordOut,
  type ClipIndexRecord,
  type DockRecordOut,
  type ForwardRecord,
  RECORD_FORMAT_VERSION,
  type UsageSessionRecord,
} from './records.ts';

// Each record is spelled out field by field, the fields every record has included, not spread:
// V8 makes a spread followed by twenty properties some fifty times slower, and this runs per
// record. A field an older build's body lacks is read with its fallback (`?? null`); every mapped
// record is then checked against its JSON Schema before anything is sent.

function seqOf(row: OutboxRecord): number {
  return row.eventSeq ?? 0;
}

/** Keep a personal value only when personal data may be sent (R11). */
function personal(value: string | null | undefined, send: boolean): string | null {
  return send ? (value ?? null) : null;
}

function clipRecord(row: OutboxRow<'clip'>, dock: string, send: boolean): ClipIndexRecord {
  const b = row.body;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'clip-index',
    clipId: b.clipId,
    sessionId: b.sessionId,
    serial: b.serial,
    sourcePath: b.sourcePath,
    size: b.size,
    sha256: b.sha256,
    verifiedBy: b.verifiedBy,
    sealedAt: b.sealedAt,
    recordingStart: b.recordingStart ?? null,
    recordingEnd: b.recordingEnd ?? null,
    durationMs: b.durationMs ?? null,
    late: b.late ?? false,
    flags: b.flags ?? [],
    labels: b.labels ?? [],
    // The outbox carries no R2 labels (they are set after the seal, at the dock only).
    caseNo: null,
    officerNo: b.officerNo ?? null,
    officerName: personal(b.officerName, send),
    unitName: personal(b.unitName, send),
    partyName: null,
  };
}

function assignmentRecord(row: OutboxRow<'assignment'>, dock: string, send: boolean): UsageSessionRecord {
  const b = row.body;
  const endedAt = b.checkedInAt ?? null;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'usage-session',
    sessionType: 'checkout',
    sessionId: b.assignmentId,
    serial: b.serial,
    state: endedAt !== null ? 'closed' : 'open',
    officerNo: b.officerNo,
    officerName: personal(b.officerName, send),
    unitName: personal(b.unitName, send),
    startedAt: b.checkedOutAt,
    endedAt,
    startBatteryPct: b.outBatteryPct ?? null,
    endBatteryPct: b.inBatteryPct ?? null,
    startFreeBytes: b.outFreeBytes ?? null,
    endFreeBytes: b.inFreeBytes ?? null,
    outcome: null,
    clockSkewMs: null,
    totalBytes: null,
    clipCount: null,
  };
}

function dockingRecord(row: OutboxRow<'session'>, dock: string, send: boolean): UsageSessionRecord {
  const b = row.body;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'usage-session',
    sessionType: 'docking',
    sessionId: b.sessionId,
    serial: b.serial,
    state: 'closed',
    officerNo: b.officerNo ?? null,
    officerName: personal(b.officerName, send),
    unitName: personal(b.unitName, send),
    startedAt: b.startedAt,
    endedAt: b.finishedAt,
    startBatteryPct: b.batteryPct ?? null,
    endBatteryPct: b.endBatteryPct ?? null,
    startFreeBytes: b.freeBytes ?? null,
    endFreeBytes: b.endFreeBytes ?? null,
    outcome: b.outcome ?? null,
    clockSkewMs: b.clockSkewMs ?? null,
    totalBytes: b.totalBytes ?? null,
    clipCount: b.clipCount,
  };
}

function alertRecord(row: OutboxRow<'alert'>, dock: string, send: boolean): AlertRecordOut {
  const b = row.body;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'alert',
    alertId: b.alertId,
    source: 'alert',
    kind: b.kind,
    severity: b.severity,
    subject: b.subject,
    state: b.state === 'resolved' ? 'resolved' : 'open',
    openedAt: b.openedAt,
    resolvedAt: b.resolvedAt ?? null,
    resolvedBy: b.resolvedBy ?? null,
    detail: personal(b.detail, send),
    note: personal(b.note, send),
    fault: null,
  };
}

function faultRecord(row: OutboxRow<'fault'>, dock: string, send: boolean): AlertRecordOut {
  const b = row.body;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'alert',
    alertId: b.faultId,
    source: 'fault',
    kind: 'recorder-fault',
    severity: b.deadlineMet ? 'warning' : 'critical',
    subject: `recorder:${b.serial}`,
    state: b.state === 'resolved' ? 'resolved' : 'open',
    openedAt: b.reportedAt,
    resolvedAt: b.resolvedAt ?? null,
    resolvedBy: null,
    detail: null,
    note: null,
    fault: {
      serial: b.serial,
      reportedBy: b.reportedBy,
      observedAt: b.observedAt,
      reportedAt: b.reportedAt,
      deadlineHours: b.deadlineHours,
      deadlineMet: b.deadlineMet,
    },
  };
}

function dockRecord(row: OutboxRow<'dock'>, dock: string): DockRecordOut {
  const b = row.body;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: false,
    type: 'dock',
    publicKey: b.publicKey,
    keyId: b.keyId,
    createdAt: b.createdAt,
  };
}

/**
 * The outgoing record of an outbox row. `sendPersonal` says whether personal fields (officer, unit
 * and party names, free-text details) may go to this target (R11); when not, they are null and the
 * record says `redacted: true`. Deterministic: the same row and flag always give the same record.
 */
export function mapOutboxRecord(row: OutboxRecord, dockId: string, sendPersonal: boolean): ForwardRecord {
  switch (row.kind) {
    case 'clip':
      return clipRecord(row, dockId, sendPersonal);
    case 'assignment':
      return assignmentRecord(row, dockId, sendPersonal);
    case 'session':
      return dockingRecord(row, dockId, sendPersonal);
    case 'alert':
      return alertRecord(row, dockId, sendPersonal);
    case 'fault':
      return faultRecord(row, dockId, sendPersonal);
    case 'checkpoint':
      return {
        v: RECORD_FORMAT_VERSION,
        id: row.recordId,
        dock: dockId,
        seq: row.id,
        eventSeq: seqOf(row),
        redacted: false,
        type: 'checkpoint',
        checkpoint: row.body,
      };
    case 'dock':
      return dockRecord(row, dockId);
    case 'lifecycle':
      return lifecycleRecord(row, dockId, sendPersonal);
  }
}
