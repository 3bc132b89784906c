import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical-json.ts';
import { LedgerStateError } from './errors.ts';
import type { AnyLedgerEvent, EventType, LedgerEvent } from './event-types.ts';
import { lifecycleAppliers } from './lifecycle-projection.ts';
import { cachedStatement } from './statement-cache.ts';

/**
 * The tables are a projection of the events: applying every event in order to empty tables
 * gives exactly the ledger's tables. Each applier depends on the event alone (no clock, no
 * randomness), which is what lets verify rebuild the tables and compare.
 */
type Applier<T extends EventType> = (db: Database, e: LedgerEvent<T>) => void;

/** Milliseconds since the epoch of an ISO time from an event, or null. */
export function msOf(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new LedgerStateError(`the time '${iso}' in a ledger event is not a valid ISO time`);
  return ms;
}

function msOfRequired(iso: string): number {
  return msOf(iso) as number;
}

function changeOne(db: Database, sql: string, params: unknown[], what: string): void {
  const info = cachedStatement(db, sql).run(...params);
  if (info.changes !== 1) throw new LedgerStateError(`${what}: the ledger holds no such open record`);
}

const appliers: { [T in EventType]: Applier<T> } = {
  'dock.created': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO dock (id, public_key, key_id, created_at, last_seq) VALUES (?, ?, ?, ?, ?)',
    ).run(d.dockId, d.publicKey, d.keyId, msOfRequired(d.createdAt), seq);
  },
  'recorder.registered': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO recorders (serial, model, vendor, fingerprint, status, status_reason, registered_at, last_seq)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
       ON CONFLICT (serial) DO UPDATE SET model = excluded.model, vendor = excluded.vendor,
         fingerprint = excluded.fingerprint, status = excluded.status, last_seq = excluded.last_seq`,
    ).run(d.serial, d.model, d.vendor, d.fingerprint, d.status, msOfRequired(at), seq);
  },
  'recorder.status_changed': (db, { seq, data: d }) => {
    changeOne(
      db,
      'UPDATE recorders SET status = ?, status_reason = ?, last_seq = ? WHERE serial = ?',
      [d.status, d.reason, seq, d.serial],
      `recorder ${d.serial}`,
    );
  },
  'officer.registered': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO officers (officer_no, name, unit, cert_no, registered_at, last_seq) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (officer_no) DO UPDATE SET name = excluded.name, unit = excluded.unit,
         cert_no = excluded.cert_no, last_seq = excluded.last_seq`,
    ).run(d.officerNo, d.name, d.unit, d.certNo, msOfRequired(at), seq);
  },
  'session.started': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO sessions (id, recorder_serial, officer_no, started_at, clock_skew_ms, battery_pct, free_bytes,
         total_bytes, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.sessionId,
      d.serial,
      d.officerNo,
      msOfRequired(d.startedAt),
      d.clockSkewMs,
      d.batteryPct,
      d.freeBytes,
      d.totalBytes,
      seq,
    );
  },
  'session.finished': (db, { seq, data: d }) => {
    changeOne(
      db,
      `UPDATE sessions SET finished_at = ?, outcome = ?, end_battery_pct = ?, end_free_bytes = ?, last_seq = ?
       WHERE id = ? AND finished_at IS NULL`,
      [msOfRequired(d.finishedAt), d.outcome, d.batteryPct, d.freeBytes, seq, d.sessionId],
      `dock session ${d.sessionId}`,
    );
  },
  'clip.sealed': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO clips (id, session_id, recorder_serial, source_path, size, sha256, prefix_digests, verified_by,
         recording_start, recording_end, duration_ms, vault_rel, sealed_at, flags, seal_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.clipId,
      d.sessionId,
      d.serial,
      d.sourcePath,
      d.size,
      d.sha256,
      canonicalJson(d.prefixDigests),
      d.verifiedBy,
      msOf(d.recordingStart),
      msOf(d.recordingEnd),
      d.durationMs,
      d.vault,
      msOfRequired(d.sealedAt),
      canonicalJson(d.flags),
      seq,
    );
    if (d.sourceMtimeMs !== undefined || d.headSha256 !== undefined) {
      cachedStatement(
        db,
        'INSERT INTO clip_sources (clip_id, source_mtime_ms, head_sha256, seq) VALUES (?, ?, ?, ?)',
      ).run(d.clipId, d.sourceMtimeMs ?? null, d.headSha256 ?? null, seq);
    }
  },
  'recorder.checked_out': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO assignments (id, recorder_serial, officer_no, checked_out_at, out_battery_pct, out_free_bytes, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.assignmentId,
      d.serial,
      d.officerNo,
      msOfRequired(d.checkedOutAt),
      d.batteryPct,
      d.freeBytes,
      seq,
    );
  },
  'recorder.checked_in': (db, { seq, data: d }) => {
    changeOne(
      db,
      `UPDATE assignments SET checked_in_at = ?, in_battery_pct = ?, in_free_bytes = ?, last_seq = ?
       WHERE id = ? AND recorder_serial = ? AND checked_in_at IS NULL`,
      [msOfRequired(d.checkedInAt), d.batteryPct, d.freeBytes, seq, d.assignmentId, d.serial],
      `assignment ${d.assignmentId}`,
    );
  },
  'fault.reported': (db, e) => applyFaultReported(db, e),
  'fault.resolved': (db, { seq, data: d }) => {
    changeOne(
      db,
      'UPDATE faults SET resolved_at = ?, resolution_note = ?, last_seq = ? WHERE id = ? AND resolved_at IS NULL',
      [msOfRequired(d.resolvedAt), d.note, seq, d.faultId],
      `fault ${d.faultId}`,
    );
  },
  'alert.opened': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO alerts (id, kind, severity, subject, detail, opened_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.alertId, d.kind, d.severity, d.subject, d.detail, msOfRequired(d.openedAt), seq);
    if (d.facts !== undefined)
      cachedStatement(db, 'INSERT INTO alert_facts (alert_id, facts, seq) VALUES (?, ?, ?)').run(
        d.alertId,
        canonicalJson(d.facts),
        seq,
      );
  },
  'alert.resolved': (db, { seq, data: d }) => {
    changeOne(
      db,
      'UPDATE alerts SET resolved_at = ?, resolved_by = ?, note = ?, last_seq = ? WHERE id = ? AND resolved_at IS NULL',
      [msOfRequired(d.resolvedAt), d.resolvedBy, d.note, seq, d.alertId],
      `alert ${d.alertId}`,
    );
  },
  'session.step': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO session_steps (seq, session_id, step, at, detail) VALUES (?, ?, ?, ?, ?)',
    ).run(seq, d.sessionId, d.step, msOfRequired(at), d.detail);
  },
  'clip.timed': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO clip_timing (clip_id, time_source, raw_start, raw_end, clock_skew_ms, seq) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(d.clipId, d.timeSource, msOf(d.rawStart), msOf(d.rawEnd), d.clockSkewMs, seq);
  },
  'clip.wiped': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO wiped_files (clip_id, recorder_serial, source_path, sha256, size, wiped_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.clipId, d.serial, d.sourcePath, d.sha256, d.size, msOfRequired(d.wipedAt), seq);
    cachedStatement(db, 'DELETE FROM wipe_intents WHERE clip_id = ?').run(d.clipId);
  },
  'clip.wipe_intended': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO wipe_intents (clip_id, recorder_serial, source_path, size, mtime_ms, intended_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.clipId, d.serial, d.sourcePath, d.size, d.mtimeMs, msOfRequired(d.intendedAt), seq);
  },
  'clip.wipe_cancelled': (db, { data: d }) => {
    changeOne(db, 'DELETE FROM wipe_intents WHERE clip_id = ?', [d.clipId], `wipe intent of ${d.clipId}`);
  },
  'file.unreadable': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO unreadable_files (file_key, recorder_serial, source_path, size, mtime_ms, attempts, position, errno, last_at, seq)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT (file_key) DO UPDATE SET attempts = attempts + 1,
         position = excluded.position, errno = excluded.errno, last_at = excluded.last_at, seq = excluded.seq`,
    ).run(
      unreadableFileKey(d.serial, d.sourcePath, d.size, d.mtimeMs),
      d.serial,
      d.sourcePath,
      d.size,
      d.mtimeMs,
      d.position,
      d.errno,
      msOfRequired(d.at),
      seq,
    );
  },
  'gap.explained': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO gap_explanations (alert_id, text, signed_by, explained_at, seq) VALUES (?, ?, ?, ?, ?)',
    ).run(d.alertId, d.text, canonicalJson(d.signedBy), msOfRequired(d.explainedAt), seq);
  },
  'account.saved': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO accounts (username, role, officer_no, disabled, created_at, changed_by, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET role = excluded.role, officer_no = excluded.officer_no,
         disabled = excluded.disabled, changed_by = excluded.changed_by, last_seq = excluded.last_seq`,
    ).run(d.username, d.role, d.officerNo, d.disabled ? 1 : 0, msOfRequired(at), d.changedBy, seq);
  },
  'clip.labelled': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO clip_labels (clip_id, case_no, party, officer_in_charge, important, labelled_by, labelled_at, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (clip_id) DO UPDATE SET case_no = excluded.case_no, party = excluded.party,
         officer_in_charge = excluded.officer_in_charge, important = excluded.important,
         labelled_by = excluded.labelled_by, labelled_at = excluded.labelled_at, last_seq = excluded.last_seq`,
    ).run(
      d.clipId,
      d.caseNo,
      d.party,
      d.officerInCharge,
      d.important ? 1 : 0,
      d.labelledBy,
      msOfRequired(at),
      seq,
    );
  },
  'access.requested': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO access_requests (id, requested_by, clip_ids, purpose, reason, requested_at, status, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
    ).run(
      d.requestId,
      d.requestedBy,
      canonicalJson(d.clipIds),
      d.purpose,
      d.reason,
      msOfRequired(d.requestedAt),
      seq,
    );
  },
  'access.decided': (db, { seq, data: d }) => {
    changeOne(
      db,
      `UPDATE access_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, expires_at = ?,
         last_seq = ? WHERE id = ? AND status = 'pending'`,
      [d.decision, d.decidedBy, msOfRequired(d.decidedAt), d.note, msOf(d.expiresAt), seq, d.requestId],
      `access request ${d.requestId}`,
    );
  },
  'access.logged': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO access_log (seq, username, action, target, reason, request_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(seq, d.username, d.action, d.target, d.reason, d.requestId, msOfRequired(at));
  },
  'export.created': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO exports (id, request_id, created_by, case_no, clip_ids, bytes, manifest_sha256, created_at, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.exportId,
      d.requestId,
      d.createdBy,
      d.caseNo,
      canonicalJson(d.clipIds),
      d.bytes,
      d.manifestSha256,
      msOfRequired(d.createdAt),
      seq,
    );
  },
  'clip.checked': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO clip_checks (clip_id, result, checked_by, checked_at, last_seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (clip_id) DO UPDATE SET result = excluded.result, checked_by = excluded.checked_by,
         checked_at = excluded.checked_at, last_seq = excluded.last_seq`,
    ).run(d.clipId, d.result, d.checkedBy, msOfRequired(d.checkedAt), seq);
  },
  'recorder.bound': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO recorder_bindings (serial, officer_no, bound_by, bound_at, last_seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (serial) DO UPDATE SET officer_no = excluded.officer_no, bound_by = excluded.bound_by,
         bound_at = excluded.bound_at, last_seq = excluded.last_seq`,
    ).run(d.serial, d.officerNo, d.boundBy, msOfRequired(at), seq);
  },
  ...lifecycleAppliers,
};

// A fault takes the recorder out of service in the same event (R8: stop using it).
function applyFaultReported(db: Database, { seq, data: d }: LedgerEvent<'fault.reported'>): void {
  cachedStatement(
    db,
    `INSERT INTO faults (id, recorder_serial, reported_by, observed_at, reported_at, deadline_hours, deadline_met,
       description, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.faultId,
    d.serial,
    d.reportedBy,
    msOfRequired(d.observedAt),
    msOfRequired(d.reportedAt),
    d.deadlineHours,
    d.deadlineMet ? 1 : 0,
    d.description,
    seq,
  );
  changeOne(
    db,
    `UPDATE recorders SET status = 'faulty', status_reason = ?, last_seq = ? WHERE serial = ?`,
    [`fault ${d.faultId}`, seq, d.serial],
    `recorder ${d.serial}`,
  );
}

/** The key of a recorder file in `unreadable_files`: the file as it was listed. */
export function unreadableFileKey(serial: string, sourcePath: string, size: number, mtimeMs: number): string {
  return canonicalJson([serial, sourcePath, size, Math.trunc(mtimeMs)]);
}

/** Apply one event to the projection tables. Throws LedgerStateError when it does not fit them. */
export function applyEvent(db: Database, event: LedgerEvent): void {
  const e = event as AnyLedgerEvent;
  const apply = appliers[e.type] as Applier<EventType> | undefined;
  if (!apply) throw new LedgerStateError(`the ledger event type '${e.type}' is unknown to this build`);
  apply(db, e as LedgerEvent<EventType>);
}
