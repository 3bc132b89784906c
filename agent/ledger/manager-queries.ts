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
  type RecorderRecord,
  recorderFromRow,
  type SessionRecord,
  sessionFromRow,
} from './ledger-records.ts';
import { findOpenAssignment } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';

type Row = Record<string, unknown>;

/** A half-open time range [from, to). */
export interface DateRange {
  readonly from: Date;
  readonly to: Date;
}

/** A dock session with what it sealed. */
export interface UsageSession extends SessionRecord {
  readonly clipCount: number;
  readonly clipBytes: number;
  readonly clipDurationMs: number;
  readonly lateClips: number;
}

/** Usage of one recorder or one officer over a range (R7 台账, R14). */
export interface UsageReport {
  /** Check-outs overlapping the range. */
  readonly assignments: AssignmentRecord[];
  /** Dock sessions started in the range. */
  readonly sessions: UsageSession[];
  readonly totals: { sessions: number; clips: number; bytes: number; durationMs: number; lateClips: number };
}

/** A recorder docked right now. */
export interface DockedRecorder {
  readonly session: SessionRecord;
  readonly recorder: RecorderRecord;
  readonly assignment: AssignmentRecord | null;
}

const SESSION_USAGE = `SELECT s.*, count(c.id) AS clip_count, coalesce(sum(c.size), 0) AS clip_bytes,
    coalesce(sum(c.duration_ms), 0) AS clip_ms, coalesce(sum(instr(c.flags, '"late"') > 0), 0) AS late_clips
  FROM sessions s LEFT JOIN clips c ON c.session_id = s.id`;

/** The equipment manager's read-only questions to the ledger, each answered from an index. */
export class ManagerQueries {
  constructor(private readonly db: Database) {}

  /** Usage of one recorder over a range. */
  recorderUsage(serial: string, range: DateRange): UsageReport {
    return this.usage('recorder_serial', serial, range);
  }

  /** Usage by one officer (警号) over a range. */
  officerUsage(officerNo: string, range: DateRange): UsageReport {
    return this.usage('officer_no', officerNo, range);
  }

  private usage(column: 'recorder_serial' | 'officer_no', key: string, range: DateRange): UsageReport {
    const from = range.from.getTime();
    const to = range.to.getTime();
    const assignments = (
      cachedStatement(
        this.db,
        `SELECT * FROM assignments WHERE ${column} = ? AND checked_out_at < ?
         AND (checked_in_at IS NULL OR checked_in_at >= ?) ORDER BY checked_out_at`,
      ).all(key, to, from) as Row[]
    ).map(assignmentFromRow);
    const sessions = (
      cachedStatement(
        this.db,
        `${SESSION_USAGE} WHERE s.${column} = ? AND s.started_at >= ? AND s.started_at < ? GROUP BY s.id ORDER BY s.started_at`,
      ).all(key, from, to) as Row[]
    ).map(usageSessionFromRow);
    return { assignments, sessions, totals: totalsOf(sessions) };
  }

  /** Recorders docked now (sessions not finished), oldest first. */
  dockedNow(): DockedRecorder[] {
    const rows = cachedStatement(
      this.db,
      `SELECT s.*, r.serial AS r_serial, r.model AS r_model, r.vendor AS r_vendor, r.fingerprint AS r_fingerprint,
         r.status AS r_status, r.status_reason AS r_status_reason, r.registered_at AS r_registered_at
       FROM sessions s JOIN recorders r ON r.serial = s.recorder_serial
       WHERE s.finished_at IS NULL ORDER BY s.started_at`,
    ).all() as Row[];
    return rows.map((row) => ({
      session: sessionFromRow(row),
      recorder: recorderFromRow(prefixed(row, 'r_')),
      assignment: findOpenAssignment(this.db, row.recorder_serial as string),
    }));
  }

  /** Open alerts, newest first. */
  openAlerts(limit = 1000): AlertRecord[] {
    const rows = cachedStatement(
      this.db,
      'SELECT a.*, af.facts FROM alerts a LEFT JOIN alert_facts af ON af.alert_id = a.id WHERE a.resolved_at IS NULL ORDER BY a.opened_at DESC LIMIT ?',
    ).all(limit) as Row[];
    return rows.map(alertFromRow);
  }

  /** Alerts resolved since `since`, newest first (who resolved each and when). */
  resolvedAlerts(since: Date, limit = 200): AlertRecord[] {
    const rows = cachedStatement(
      this.db,
      'SELECT a.*, af.facts FROM alerts a LEFT JOIN alert_facts af ON af.alert_id = a.id WHERE a.resolved_at >= ? ORDER BY a.resolved_at DESC LIMIT ?',
    ).all(since.getTime(), limit) as Row[];
    return rows.map(alertFromRow);
  }

  /** Open fault reports. */
  openFaults(): FaultRecord[] {
    const rows = cachedStatement(
      this.db,
      'SELECT * FROM faults WHERE resolved_at IS NULL ORDER BY reported_at',
    ).all() as Row[];
    return rows.map(faultFromRow);
  }

  /** The most recent dock sessions of all recorders, newest first, with what each sealed. */
  recentSessions(limit = 50): UsageSession[] {
    const rows = cachedStatement(
      this.db,
      `SELECT s.*, count(c.id) AS clip_count, coalesce(sum(c.size), 0) AS clip_bytes,
         coalesce(sum(c.duration_ms), 0) AS clip_ms, coalesce(sum(instr(c.flags, '"late"') > 0), 0) AS late_clips
       FROM (SELECT * FROM sessions ORDER BY started_at DESC LIMIT ?) s LEFT JOIN clips c ON c.session_id = s.id
       GROUP BY s.id ORDER BY s.started_at DESC`,
    ).all(limit) as Row[];
    return rows.map(usageSessionFromRow);
  }

  /** Every registered recorder, by serial. */
  recorders(): RecorderRecord[] {
    const rows = cachedStatement(this.db, 'SELECT * FROM recorders ORDER BY serial').all() as Row[];
    return rows.map(recorderFromRow);
  }

  /** The clips sealed in one dock session, in recording order. */
  sessionClips(sessionId: string): ClipRecord[] {
    const rows = cachedStatement(
      this.db,
      'SELECT * FROM clips WHERE session_id = ? ORDER BY coalesce(recording_start, sealed_at), seal_seq',
    ).all(sessionId) as Row[];
    return rows.map(clipFromRow);
  }
}

function usageSessionFromRow(row: Row): UsageSession {
  return {
    ...sessionFromRow(row),
    clipCount: row.clip_count as number,
    clipBytes: row.clip_bytes as number,
    clipDurationMs: row.clip_ms as number,
    lateClips: row.late_clips as number,
  };
}

function totalsOf(sessions: readonly UsageSession[]): UsageReport['totals'] {
  const totals = { sessions: sessions.length, clips: 0, bytes: 0, durationMs: 0, lateClips: 0 };
  for (const s of sessions) {
    totals.clips += s.clipCount;
    totals.bytes += s.clipBytes;
    totals.durationMs += s.clipDurationMs;
    totals.lateClips += s.lateClips;
  }
  return totals;
}

function prefixed(row: Row, prefix: string): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
