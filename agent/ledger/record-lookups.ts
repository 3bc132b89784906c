import type { Database } from 'better-sqlite3';
import {
  type AlertRecord,
  type AssignmentRecord,
  alertFromRow,
  assignmentFromRow,
  type ClipRecord,
  clipFromRow,
  type FaultRecord,
  faultFromRow,
  type OfficerRecord,
  officerFromRow,
  type RecorderRecord,
  recorderFromRow,
  type SessionRecord,
  sessionFromRow,
} from './ledger-records.ts';
import { cachedStatement } from './statement-cache.ts';

type Row = Record<string, unknown>;

function one<T>(db: Database, sql: string, key: unknown, map: (r: Row) => T): T | null {
  const row = cachedStatement(db, sql).get(key) as Row | undefined;
  return row ? map(row) : null;
}

/** The recorder with this serial, or null. */
export function findRecorder(db: Database, serial: string): RecorderRecord | null {
  return one(db, 'SELECT * FROM recorders WHERE serial = ?', serial, recorderFromRow);
}

/** The officer with this officer number (警号), or null. */
export function findOfficer(db: Database, officerNo: string): OfficerRecord | null {
  return one(db, 'SELECT * FROM officers WHERE officer_no = ?', officerNo, officerFromRow);
}

/** The dock session with this id, or null. */
export function findSession(db: Database, id: string): SessionRecord | null {
  return one(db, 'SELECT * FROM sessions WHERE id = ?', id, sessionFromRow);
}

/** The open (not finished) session of a recorder, or null. */
export function findOpenSession(db: Database, serial: string): SessionRecord | null {
  return one(
    db,
    'SELECT * FROM sessions WHERE recorder_serial = ? AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1',
    serial,
    sessionFromRow,
  );
}

/** The clip with this id, or null. */
export function findClip(db: Database, id: string): ClipRecord | null {
  return one(
    db,
    'SELECT c.*, cs.source_mtime_ms, cs.head_sha256 FROM clips c LEFT JOIN clip_sources cs ON cs.clip_id = c.id WHERE c.id = ?',
    id,
    clipFromRow,
  );
}

/** Every clip sealed with this content digest (identical content is stored once in the vault). */
export function findClipsBySha256(db: Database, sha256: string): ClipRecord[] {
  const rows = cachedStatement(db, 'SELECT * FROM clips WHERE sha256 = ? ORDER BY seal_seq').all(
    sha256,
  ) as Row[];
  return rows.map(clipFromRow);
}

/** The open check-out of a recorder, or null. */
export function findOpenAssignment(db: Database, serial: string): AssignmentRecord | null {
  return one(
    db,
    'SELECT * FROM assignments WHERE recorder_serial = ? AND checked_in_at IS NULL',
    serial,
    assignmentFromRow,
  );
}

/** The assignment with this id, or null. */
export function findAssignment(db: Database, id: string): AssignmentRecord | null {
  return one(db, 'SELECT * FROM assignments WHERE id = ?', id, assignmentFromRow);
}

/** The fault with this id, or null. */
export function findFault(db: Database, id: string): FaultRecord | null {
  return one(db, 'SELECT * FROM faults WHERE id = ?', id, faultFromRow);
}

/** The alert with this id, or null. */
export function findAlert(db: Database, id: string): AlertRecord | null {
  return one(
    db,
    'SELECT a.*, af.facts FROM alerts a LEFT JOIN alert_facts af ON af.alert_id = a.id WHERE a.id = ?',
    id,
    alertFromRow,
  );
}

/** The open alert of this kind about this subject, or null. */
export function findOpenAlert(db: Database, kind: string, subject: string): AlertRecord | null {
  const row = cachedStatement(
    db,
    'SELECT a.*, af.facts FROM alerts a LEFT JOIN alert_facts af ON af.alert_id = a.id WHERE a.kind = ? AND a.subject = ? AND a.resolved_at IS NULL',
  ).get(kind, subject) as Row | undefined;
  return row ? alertFromRow(row) : null;
}
