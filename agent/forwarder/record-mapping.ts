import type { Checkpoint } from '../ledger/checkpoint.ts';
import type { OutboxRecord } from '../ledger/outbox.ts';
import {
  type AlertRecordOut,
  type ClipIndexRecord,
  type DockRecordOut,
  type ForwardRecord,
  RECORD_FORMAT_VERSION,
  type UsageSessionRecord,
} from './records.ts';

type Body = Readonly<Record<string, unknown>>;

/**
 * A field of an outbox body, or null when absent. The bodies were written by this build's ledger
 * (or an older one, which lacks newer fields); every mapped record is then checked against its
 * JSON Schema, so a wrong type here is caught before anything is sent.
 */
function get<T>(body: Body, key: string): T | null {
  const value = body[key];
  return value === undefined ? null : (value as T);
}

/**
 * The fields every record has. Spelled out in each record literal below, not spread: V8 makes a
 * spread followed by twenty properties some fifty times slower, and this runs per record.
 */
function seqOf(row: OutboxRecord): number {
  return row.eventSeq ?? 0;
}

/** Keep a personal value only when personal data may be sent (R11). */
function personal(value: string | null, send: boolean): string | null {
  return send ? value : null;
}

function clipRecord(row: OutboxRecord, b: Body, dock: string, send: boolean): ClipIndexRecord {
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'clip-index',
    clipId: get(b, 'clipId') as string,
    sessionId: get(b, 'sessionId') as string,
    serial: get(b, 'serial') as string,
    sourcePath: get(b, 'sourcePath') as string,
    size: get(b, 'size') as number,
    sha256: get(b, 'sha256') as string,
    verifiedBy: get(b, 'verifiedBy') as string,
    sealedAt: get(b, 'sealedAt') as string,
    recordingStart: get(b, 'recordingStart'),
    recordingEnd: get(b, 'recordingEnd'),
    durationMs: get(b, 'durationMs'),
    late: get<boolean>(b, 'late') ?? false,
    flags: get<string[]>(b, 'flags') ?? [],
    labels: get<string[]>(b, 'labels') ?? [],
    caseNo: get(b, 'caseNo'),
    officerNo: get(b, 'officerNo'),
    officerName: personal(get(b, 'officerName'), send),
    unitName: personal(get(b, 'unitName'), send),
    partyName: personal(get(b, 'partyName'), send),
  };
}

function assignmentRecord(row: OutboxRecord, b: Body, dock: string, send: boolean): UsageSessionRecord {
  const closed = get(b, 'checkedInAt') !== null;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'usage-session',
    sessionType: 'checkout',
    sessionId: get(b, 'assignmentId') as string,
    serial: get(b, 'serial') as string,
    state: closed ? 'closed' : 'open',
    officerNo: get(b, 'officerNo'),
    officerName: personal(get(b, 'officerName'), send),
    unitName: personal(get(b, 'unitName'), send),
    startedAt: get(b, 'checkedOutAt') as string,
    endedAt: get(b, 'checkedInAt'),
    startBatteryPct: get(b, 'outBatteryPct'),
    endBatteryPct: get(b, 'inBatteryPct'),
    startFreeBytes: get(b, 'outFreeBytes'),
    endFreeBytes: get(b, 'inFreeBytes'),
    outcome: null,
    clockSkewMs: null,
    totalBytes: null,
    clipCount: null,
  };
}

function dockingRecord(row: OutboxRecord, b: Body, dock: string, send: boolean): UsageSessionRecord {
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'usage-session',
    sessionType: 'docking',
    sessionId: get(b, 'sessionId') as string,
    serial: get(b, 'serial') as string,
    state: 'closed',
    officerNo: get(b, 'officerNo'),
    officerName: personal(get(b, 'officerName'), send),
    unitName: personal(get(b, 'unitName'), send),
    startedAt: get(b, 'startedAt') as string,
    endedAt: get(b, 'finishedAt'),
    startBatteryPct: get(b, 'batteryPct'),
    endBatteryPct: get(b, 'endBatteryPct'),
    startFreeBytes: get(b, 'freeBytes'),
    endFreeBytes: get(b, 'endFreeBytes'),
    outcome: get(b, 'outcome'),
    clockSkewMs: get(b, 'clockSkewMs'),
    totalBytes: get(b, 'totalBytes'),
    clipCount: get(b, 'clipCount'),
  };
}

function alertRecord(row: OutboxRecord, b: Body, dock: string, send: boolean): AlertRecordOut {
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'alert',
    alertId: get(b, 'alertId') as string,
    source: 'alert',
    kind: get(b, 'kind') as string,
    severity: get(b, 'severity') as AlertRecordOut['severity'],
    subject: get(b, 'subject') as string,
    state: get<string>(b, 'state') === 'resolved' ? 'resolved' : 'open',
    openedAt: get(b, 'openedAt') as string,
    resolvedAt: get(b, 'resolvedAt'),
    resolvedBy: get(b, 'resolvedBy'),
    detail: personal(get(b, 'detail'), send),
    note: personal(get(b, 'note'), send),
    fault: null,
  };
}

function faultRecord(row: OutboxRecord, b: Body, dock: string, send: boolean): AlertRecordOut {
  const resolved = get<string>(b, 'state') === 'resolved';
  const deadlineMet = get<boolean>(b, 'deadlineMet') ?? false;
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: !send,
    type: 'alert',
    alertId: get(b, 'faultId') as string,
    source: 'fault',
    kind: 'recorder-fault',
    severity: deadlineMet ? 'warning' : 'critical',
    subject: `recorder:${get(b, 'serial')}`,
    state: resolved ? 'resolved' : 'open',
    openedAt: get(b, 'reportedAt') as string,
    resolvedAt: get(b, 'resolvedAt'),
    resolvedBy: null,
    detail: null,
    note: null,
    fault: {
      serial: get(b, 'serial') as string,
      reportedBy: get(b, 'reportedBy') as string,
      observedAt: get(b, 'observedAt') as string,
      reportedAt: get(b, 'reportedAt') as string,
      deadlineHours: get(b, 'deadlineHours') as number,
      deadlineMet,
    },
  };
}

function dockRecord(row: OutboxRecord, b: Body, dock: string): DockRecordOut {
  return {
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: seqOf(row),
    redacted: false,
    type: 'dock',
    publicKey: get(b, 'publicKey') as string,
    keyId: get(b, 'keyId') as string,
    createdAt: get(b, 'createdAt') as string,
  };
}

/**
 * The outgoing record of an outbox row. `sendPersonal` says whether personal fields (officer, unit
 * and party names, free-text details) may go to this target (R11); when not, they are null and the
 * record says `redacted: true`. Deterministic: the same row and flag always give the same record.
 */
export function mapOutboxRecord(row: OutboxRecord, dockId: string, sendPersonal: boolean): ForwardRecord {
  const b = (typeof row.body === 'object' && row.body !== null ? row.body : {}) as Body;
  switch (row.kind) {
    case 'clip':
      return clipRecord(row, b, dockId, sendPersonal);
    case 'assignment':
      return assignmentRecord(row, b, dockId, sendPersonal);
    case 'session':
      return dockingRecord(row, b, dockId, sendPersonal);
    case 'alert':
      return alertRecord(row, b, dockId, sendPersonal);
    case 'fault':
      return faultRecord(row, b, dockId, sendPersonal);
    case 'checkpoint':
      return {
        v: RECORD_FORMAT_VERSION,
        id: row.recordId,
        dock: dockId,
        seq: row.id,
        eventSeq: seqOf(row),
        redacted: false,
        type: 'checkpoint',
        checkpoint: row.body as Checkpoint,
      };
    case 'dock':
      return dockRecord(row, b, dockId);
  }
}
