import { withWords } from '../i18n/error-words.ts';
import { LedgerStateError } from './errors.ts';
import type { RecorderStatus } from './event-types.ts';
import { optionalInt, optionalText, requireOneOf, requireText, requireTime } from './input-checks.ts';
import type { AssignmentRecord, FaultRecord, OfficerRecord, RecorderRecord } from './ledger-records.ts';
import { addToOutbox } from './outbox.ts';
import {
  findAssignment,
  findFault,
  findOfficer,
  findOpenAssignment,
  findRecorder,
} from './record-lookups.ts';
import type { WriteContext } from './write-context.ts';

const STATUSES: readonly RecorderStatus[] = ['in_service', 'faulty', 'retired'];

/** A recorder as identified at the dock or entered by the equipment manager. */
export interface RecorderInput {
  readonly serial: string;
  readonly model?: string | null;
  readonly vendor?: string | null;
  /** Which fingerprint-table entry identified it (e.g. "usb:1234:5678"). */
  readonly fingerprint?: string | null;
  /** Default: kept as it is, or in_service for a new recorder. */
  readonly status?: RecorderStatus;
}

/** An officer (警号, name, unit, enforcement certificate number). */
export interface OfficerInput {
  readonly officerNo: string;
  readonly name: string;
  readonly unit?: string | null;
  readonly certNo?: string | null;
}

/** A check-out: an officer takes a recorder (R7). Battery and storage as read at that moment. */
export interface CheckOutInput {
  readonly serial: string;
  readonly officerNo: string;
  readonly batteryPct?: number | null;
  readonly freeBytes?: number | null;
  /** Default: now. */
  readonly at?: Date;
}

/** A check-in: the recorder came back. */
export interface CheckInInput {
  readonly serial: string;
  readonly batteryPct?: number | null;
  readonly freeBytes?: number | null;
  readonly at?: Date;
}

/** A fault report (R8). `reportedBy` is an officer number or a staff id, never a name. */
export interface FaultInput {
  readonly serial: string;
  readonly reportedBy: string;
  readonly observedAt: Date;
  readonly description: string;
}

function requireRecorder(ctx: WriteContext, serial: string): RecorderRecord {
  const rec = findRecorder(ctx.db, serial);
  if (!rec)
    throw withWords(
      new LedgerStateError(`the recorder ${serial} is not registered in the ledger: register it first`),
      'err.recorderNotRegistered',
      { serial },
    );
  return rec;
}

/** Register a recorder, or update its details. No event when nothing changes. */
export function registerRecorder(ctx: WriteContext, input: RecorderInput): RecorderRecord {
  const serial = requireText('serial', input.serial);
  const existing = findRecorder(ctx.db, serial);
  const data = {
    serial,
    model: optionalText('model', input.model),
    vendor: optionalText('vendor', input.vendor),
    fingerprint: optionalText('fingerprint', input.fingerprint),
    status: requireOneOf('status', input.status ?? existing?.status ?? 'in_service', STATUSES),
  };
  const same =
    existing &&
    existing.model === data.model &&
    existing.vendor === data.vendor &&
    existing.fingerprint === data.fingerprint &&
    existing.status === data.status;
  if (same) return existing;
  ctx.events.append('recorder.registered', data, ctx.now());
  return requireRecorder(ctx, serial);
}

/** Change a recorder's status (repaired, retired …). No event when it already has it. */
export function setRecorderStatus(
  ctx: WriteContext,
  serial: string,
  status: RecorderStatus,
  reason: string | null = null,
): RecorderRecord {
  const rec = requireRecorder(ctx, serial);
  requireOneOf('status', status, STATUSES);
  if (rec.status === status) return rec;
  ctx.events.append(
    'recorder.status_changed',
    { serial, status, reason: optionalText('reason', reason) },
    ctx.now(),
  );
  return requireRecorder(ctx, serial);
}

/** Register an officer, or update their details. No event when nothing changes. */
export function registerOfficer(ctx: WriteContext, input: OfficerInput): OfficerRecord {
  const data = {
    officerNo: requireText('officerNo', input.officerNo),
    name: requireText('name', input.name),
    unit: optionalText('unit', input.unit),
    certNo: optionalText('certNo', input.certNo),
  };
  const existing = findOfficer(ctx.db, data.officerNo);
  if (
    existing &&
    existing.name === data.name &&
    existing.unit === data.unit &&
    existing.certNo === data.certNo
  ) {
    return existing;
  }
  ctx.events.append('officer.registered', data, ctx.now());
  return findOfficer(ctx.db, data.officerNo) as OfficerRecord;
}

/** Record a check-out. Refused for a recorder not in service or already out. */
export function checkOut(ctx: WriteContext, input: CheckOutInput): AssignmentRecord {
  const rec = requireRecorder(ctx, requireText('serial', input.serial));
  if (rec.status !== 'in_service') {
    throw withWords(
      new LedgerStateError(
        `the recorder ${rec.serial} is ${rec.status} and may not be checked out (R8): repair or replace it`,
      ),
      'err.recorderNotInService',
      { serial: rec.serial, status: rec.status },
    );
  }
  const officerNo = requireText('officerNo', input.officerNo);
  if (!findOfficer(ctx.db, officerNo)) {
    throw withWords(
      new LedgerStateError(`the officer ${officerNo} is not registered in the ledger: register them first`),
      'err.officerNotRegistered',
      { no: officerNo },
    );
  }
  const open = findOpenAssignment(ctx.db, rec.serial);
  if (open) {
    throw withWords(
      new LedgerStateError(
        `the recorder ${rec.serial} is already checked out to officer ${open.officerNo}: check it in first`,
      ),
      'err.recorderOut',
      { serial: rec.serial, no: open.officerNo },
    );
  }
  const assignmentId = ctx.newId();
  const ev = ctx.events.append(
    'recorder.checked_out',
    {
      assignmentId,
      serial: rec.serial,
      officerNo,
      checkedOutAt: requireTime('at', input.at ?? ctx.now()),
      batteryPct: optionalInt('batteryPct', input.batteryPct, 0, 100),
      freeBytes: optionalInt('freeBytes', input.freeBytes, 0),
    },
    ctx.now(),
  );
  const out = findAssignment(ctx.db, assignmentId) as AssignmentRecord;
  queueAssignment(ctx, out, ev.seq);
  return out;
}

/** Record a check-in of the recorder's open check-out. Returns null (no event) when it was not out. */
export function checkIn(ctx: WriteContext, input: CheckInInput): AssignmentRecord | null {
  const open = findOpenAssignment(ctx.db, requireText('serial', input.serial));
  if (!open) return null;
  const ev = ctx.events.append(
    'recorder.checked_in',
    {
      assignmentId: open.id,
      serial: open.serial,
      checkedInAt: requireTime('at', input.at ?? ctx.now()),
      batteryPct: optionalInt('batteryPct', input.batteryPct, 0, 100),
      freeBytes: optionalInt('freeBytes', input.freeBytes, 0),
    },
    ctx.now(),
  );
  const done = findAssignment(ctx.db, open.id) as AssignmentRecord;
  queueAssignment(ctx, done, ev.seq);
  return done;
}

/**
 * A usage session (check-out to check-in) for the central store, in the transaction of its event:
 * one record at check-out (`assignment:<id>:out`, still open) and one at check-in (`:in`, closed).
 * The officer's name and unit are personal data (R11): the forwarder strips them for targets that
 * are not authenticated and encrypted.
 */
function queueAssignment(ctx: WriteContext, a: AssignmentRecord, seq: number): void {
  const officer = findOfficer(ctx.db, a.officerNo);
  const closed = a.checkedInAt !== null;
  addToOutbox(ctx.db, {
    kind: 'assignment',
    recordId: `assignment:${a.id}:${closed ? 'in' : 'out'}`,
    eventSeq: seq,
    createdAt: ctx.now(),
    body: {
      assignmentId: a.id,
      dockId: ctx.dockId,
      serial: a.serial,
      officerNo: a.officerNo,
      officerName: officer?.name ?? null,
      unitName: officer?.unit ?? null,
      state: closed ? 'closed' : 'open',
      checkedOutAt: a.checkedOutAt.toISOString(),
      checkedInAt: a.checkedInAt?.toISOString() ?? null,
      outBatteryPct: a.outBatteryPct,
      inBatteryPct: a.inBatteryPct,
      outFreeBytes: a.outFreeBytes,
      inFreeBytes: a.inFreeBytes,
      seq,
    },
  });
}

/** Record a fault report; the recorder becomes faulty in the same event (R8). */
export function reportFault(ctx: WriteContext, input: FaultInput): FaultRecord {
  const rec = requireRecorder(ctx, requireText('serial', input.serial));
  const observedAt = requireTime('observedAt', input.observedAt);
  const reportedAt = ctx.now();
  const deadlineMs = ctx.faultDeadlineHours * 3_600_000;
  const faultId = ctx.newId();
  const data = {
    faultId,
    serial: rec.serial,
    reportedBy: requireText('reportedBy', input.reportedBy),
    observedAt,
    reportedAt: reportedAt.toISOString(),
    deadlineHours: ctx.faultDeadlineHours,
    deadlineMet: reportedAt.getTime() - Date.parse(observedAt) <= deadlineMs,
    description: requireText('description', input.description),
  };
  const ev = ctx.events.append('fault.reported', data, reportedAt);
  const { description: _personalFreeText, ...summary } = data;
  addToOutbox(ctx.db, {
    kind: 'fault',
    recordId: `fault:${faultId}:reported`,
    eventSeq: ev.seq,
    createdAt: reportedAt,
    body: { ...summary, dockId: ctx.dockId, state: 'open', resolvedAt: null, seq: ev.seq },
  });
  return findFault(ctx.db, faultId) as FaultRecord;
}

/** Close a fault report. The recorder's status is changed separately (setRecorderStatus). */
export function resolveFault(ctx: WriteContext, faultId: string, note: string | null = null): FaultRecord {
  const fault = findFault(ctx.db, faultId);
  if (!fault)
    throw withWords(new LedgerStateError(`the fault ${faultId} is not in the ledger`), 'err.faultUnknown');
  if (fault.resolvedAt) return fault;
  const at = ctx.now();
  const ev = ctx.events.append(
    'fault.resolved',
    { faultId, resolvedAt: at.toISOString(), note: optionalText('note', note) },
    at,
  );
  const done = findFault(ctx.db, faultId) as FaultRecord;
  // The description and the note are free text that may name people: neither leaves the box.
  addToOutbox(ctx.db, {
    kind: 'fault',
    recordId: `fault:${faultId}:resolved`,
    eventSeq: ev.seq,
    createdAt: at,
    body: {
      faultId,
      serial: done.serial,
      reportedBy: done.reportedBy,
      observedAt: done.observedAt.toISOString(),
      reportedAt: done.reportedAt.toISOString(),
      deadlineHours: done.deadlineHours,
      deadlineMet: done.deadlineMet,
      dockId: ctx.dockId,
      state: 'resolved',
      resolvedAt: at.toISOString(),
      seq: ev.seq,
    },
  });
  return done;
}
