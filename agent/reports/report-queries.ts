import type { Database } from 'better-sqlite3';
import { cachedStatement } from '../ledger/statement-cache.ts';
import {
  type CheckoutRow,
  type ClipTally,
  checkoutFromRow,
  type DockingRow,
  dockingFromRow,
  type ExportRow,
  type HolderRow,
  type LedgerScope,
  type MsRange,
  type OpenAlertRow,
  type PendingRequestRow,
  type RecorderRow,
  type Row,
  serialOfSubject,
  tally,
} from './report-rows.ts';

export type * from './report-rows.ts';

const FOREVER = Number.MAX_SAFE_INTEGER;

// Every clip belongs to exactly one ledger row: to the check-out during which it was recorded, else
// to the docking that sealed it. A clip is "covered" when the recorder's latest check-out starting
// at or before its recording start was still open then. Check-outs of one recorder do not overlap.
const UNCOVERED = `NOT coalesce((SELECT a.checked_in_at IS NULL OR a.checked_in_at > c.recording_start
    FROM assignments a WHERE a.recorder_serial = c.recorder_serial AND a.checked_out_at <= c.recording_start
    ORDER BY a.checked_out_at DESC LIMIT 1), 0)`;

const TALLY = `count(c.id) AS clips, coalesce(sum(c.duration_ms), 0) AS duration_ms, coalesce(sum(c.size), 0) AS bytes,
  coalesce(sum(instr(c.flags, '"late"') > 0), 0) AS late, coalesce(sum(instr(c.flags, '"gap"') > 0), 0) AS gaps`;

const CHECKOUT = `SELECT a.*, r.model AS model, o.name AS officer_name FROM recorders r
  CROSS JOIN assignments a ON a.recorder_serial = r.serial LEFT JOIN officers o ON o.officer_no = a.officer_no`;

const DOCKING = `SELECT s.*, r.model AS model, o.name AS officer_name FROM recorders r
  CROSS JOIN sessions s ON s.recorder_serial = r.serial LEFT JOIN officers o ON o.officer_no = s.officer_no`;

/**
 * The reports' read-only questions to the ledger (R7 台账, R8 inventory and handover, R12
 * statistics). Each question over clips, sessions or check-outs walks an index for one recorder,
 * one officer or one period; loops over "all recorders" start from the small `recorders` table
 * (CROSS JOIN keeps SQLite from scanning the big table instead). Faults, gap explanations, access
 * requests and exports are small tables and are read whole where they have no index.
 */
export class ReportQueries {
  constructor(readonly db: Database) {}

  /** The reports' questions to a ledger, over its read handle. */
  static of(ledger: { readonly readHandle: Database }): ReportQueries {
    return new ReportQueries(ledger.readHandle);
  }

  /** Check-outs overlapping `range` ([out, in) meets [from, to)) in `scope`, by check-out time. */
  checkoutsOverlapping(range: MsRange, scope: LedgerScope = {}): CheckoutRow[] {
    const serial = scope.serial || null;
    const officer = scope.officerNo || null;
    // Started inside the range: one index range per recorder or for the officer.
    const inside = serial
      ? `${CHECKOUT} WHERE r.serial = @serial AND a.checked_out_at >= @from AND a.checked_out_at < @to AND (@officer IS NULL OR a.officer_no = @officer)`
      : officer
        ? `SELECT a.*, r.model AS model, o.name AS officer_name FROM assignments a JOIN recorders r ON r.serial = a.recorder_serial
           LEFT JOIN officers o ON o.officer_no = a.officer_no
           WHERE a.officer_no = @officer AND a.checked_out_at >= @from AND a.checked_out_at < @to`
        : `${CHECKOUT} WHERE a.checked_out_at >= @from AND a.checked_out_at < @to`;
    // Started before and still out at `from`: only each recorder's latest earlier check-out can be.
    const before = `SELECT a.*, r.model AS model, o.name AS officer_name FROM recorders r
      CROSS JOIN assignments a ON a.id = (SELECT id FROM assignments WHERE recorder_serial = r.serial
        AND checked_out_at < @from ORDER BY checked_out_at DESC LIMIT 1)
      LEFT JOIN officers o ON o.officer_no = a.officer_no
      WHERE (a.checked_in_at IS NULL OR a.checked_in_at > @from) AND (@serial IS NULL OR r.serial = @serial)
        AND (@officer IS NULL OR a.officer_no = @officer)`;
    const params = { serial, officer, from: range.from, to: range.to };
    const rows = [
      ...(cachedStatement(this.db, before).all(params) as Row[]),
      ...(cachedStatement(this.db, inside).all(params) as Row[]),
    ];
    return rows
      .map(checkoutFromRow)
      .sort((a, b) => a.checkedOutAt - b.checkedOutAt || cmp(a.serial, b.serial));
  }

  /** Dockings started in `range` in `scope` that no check-out covers (first dockings, re-dockings). */
  dockingsWithoutCheckout(range: MsRange, scope: LedgerScope = {}): DockingRow[] {
    const serial = scope.serial || null;
    const officer = scope.officerNo || null;
    const where = serial
      ? `${DOCKING} WHERE r.serial = @serial AND (@officer IS NULL OR s.officer_no = @officer)`
      : officer
        ? `SELECT s.*, r.model AS model, o.name AS officer_name FROM sessions s JOIN recorders r ON r.serial = s.recorder_serial
           LEFT JOIN officers o ON o.officer_no = s.officer_no WHERE s.officer_no = @officer`
        : `${DOCKING} WHERE 1`;
    const sql = `${where} AND s.started_at >= @from AND s.started_at < @to
      AND NOT coalesce((SELECT a.checked_in_at IS NULL OR a.checked_in_at >= s.started_at FROM assignments a
        WHERE a.recorder_serial = s.recorder_serial AND a.checked_out_at <= s.started_at
        ORDER BY a.checked_out_at DESC LIMIT 1), 0)
      ORDER BY s.started_at, s.recorder_serial`;
    return (
      cachedStatement(this.db, sql).all({ serial, officer, from: range.from, to: range.to }) as Row[]
    ).map(dockingFromRow);
  }

  /**
   * What a check-out's row counts: clips of the recorder recorded in [out, in) (no end while it is
   * out), plus clips sealed at its dockings that no check-out covers; and its dockings, the
   * sessions started in [out, in] (the docking that checks a recorder in starts just before).
   */
  checkoutTally(c: { serial: string; checkedOutAt: number; checkedInAt: number | null }): ClipTally & {
    dockings: number;
  } {
    const end = c.checkedInAt ?? FOREVER;
    const recorded = cachedStatement(
      this.db,
      `SELECT ${TALLY} FROM clips c WHERE c.recorder_serial = ? AND c.recording_start >= ? AND c.recording_start < ?`,
    ).get(c.serial, c.checkedOutAt, end) as Row;
    const sealedHere = cachedStatement(
      this.db,
      `SELECT ${TALLY}, count(DISTINCT s.id) AS dockings FROM sessions s LEFT JOIN clips c ON c.session_id = s.id AND ${UNCOVERED}
       WHERE s.recorder_serial = ? AND s.started_at >= ? AND s.started_at <= ?`,
    ).get(c.serial, c.checkedOutAt, end) as Row;
    const a = tally(recorded);
    const b = tally(sealedHere);
    return {
      clips: a.clips + b.clips,
      durationMs: a.durationMs + b.durationMs,
      bytes: a.bytes + b.bytes,
      late: a.late + b.late,
      gaps: a.gaps + b.gaps,
      dockings: Number(sealedHere.dockings ?? 0),
    };
  }

  /** The clips sealed at one docking that no check-out covers (what a docking row counts). */
  uncoveredClipsOfDocking(sessionId: string): ClipTally {
    return tally(
      cachedStatement(this.db, `SELECT ${TALLY} FROM clips c WHERE c.session_id = ? AND ${UNCOVERED}`).get(
        sessionId,
      ) as Row,
    );
  }

  /** Every registered recorder by serial, with its bound officer and its last docking (ever). */
  recorders(): RecorderRow[] {
    const rows = cachedStatement(
      this.db,
      `SELECT r.serial, r.model, r.vendor, r.status, r.registered_at, b.officer_no AS bound_no, o.name AS bound_name,
         (SELECT max(s.started_at) FROM sessions s WHERE s.recorder_serial = r.serial) AS last_docked
       FROM recorders r LEFT JOIN recorder_bindings b ON b.serial = r.serial
       LEFT JOIN officers o ON o.officer_no = b.officer_no ORDER BY r.serial`,
    ).all() as Row[];
    return rows.map((r) => ({
      serial: r.serial as string,
      model: r.model as string | null,
      vendor: r.vendor as string | null,
      status: r.status as string,
      registeredAt: r.registered_at as number,
      boundOfficerNo: r.bound_no as string | null,
      boundOfficerName: r.bound_name as string | null,
      lastDockedAt: r.last_docked as number | null,
    }));
  }

  /** Per recorder: check-outs and dockings started in `range`, and what those dockings sealed. */
  recorderActivity(range: MsRange): Map<string, ClipTally & { checkouts: number; dockings: number }> {
    const rows = cachedStatement(
      this.db,
      `SELECT r.serial,
         (SELECT count(*) FROM assignments a WHERE a.recorder_serial = r.serial
            AND a.checked_out_at >= @from AND a.checked_out_at < @to) AS checkouts,
         (SELECT count(*) FROM sessions s WHERE s.recorder_serial = r.serial
            AND s.started_at >= @from AND s.started_at < @to) AS dockings
       FROM recorders r`,
    ).all(range) as Row[];
    const out = new Map<string, ClipTally & { checkouts: number; dockings: number }>();
    for (const r of rows) {
      const clips = tally(
        cachedStatement(
          this.db,
          `SELECT ${TALLY} FROM sessions s CROSS JOIN clips c ON c.session_id = s.id
           WHERE s.recorder_serial = ? AND s.started_at >= ? AND s.started_at < ?`,
        ).get(r.serial, range.from, range.to) as Row,
      );
      out.set(r.serial as string, { ...clips, checkouts: Number(r.checkouts), dockings: Number(r.dockings) });
    }
    return out;
  }

  /** Per recorder: faults reported in `range` and how many of them met their deadline (R8). */
  faultsByRecorder(range: MsRange): Map<string, { reported: number; onTime: number }> {
    const rows = cachedStatement(
      this.db,
      `SELECT recorder_serial AS serial, count(*) AS reported, sum(deadline_met) AS on_time FROM faults
       WHERE reported_at >= ? AND reported_at < ? GROUP BY recorder_serial`,
    ).all(range.from, range.to) as Row[];
    return new Map(
      rows.map((r) => [r.serial as string, { reported: Number(r.reported), onTime: Number(r.on_time ?? 0) }]),
    );
  }

  /** Who holds each recorder at `at`: its check-out open at that instant. */
  holdersAt(at: number): Map<string, HolderRow> {
    const rows = cachedStatement(
      this.db,
      `SELECT a.recorder_serial, a.officer_no, a.checked_out_at, o.name AS officer_name FROM recorders r
       CROSS JOIN assignments a ON a.id = (SELECT id FROM assignments WHERE recorder_serial = r.serial
         AND checked_out_at <= @at ORDER BY checked_out_at DESC LIMIT 1)
       LEFT JOIN officers o ON o.officer_no = a.officer_no
       WHERE a.checked_in_at IS NULL OR a.checked_in_at > @at`,
    ).all({ at }) as Row[];
    return new Map(
      rows.map((r) => [
        r.recorder_serial as string,
        {
          serial: r.recorder_serial as string,
          officerNo: r.officer_no as string,
          officerName: r.officer_name as string | null,
          checkedOutAt: r.checked_out_at as number,
        },
      ]),
    );
  }

  /** Per recorder: faults reported by `at` and not resolved by then. */
  openFaultsAt(at: number): Map<string, number> {
    const rows = cachedStatement(
      this.db,
      `SELECT recorder_serial AS serial, count(*) AS n FROM faults
       WHERE reported_at <= @at AND (resolved_at IS NULL OR resolved_at > @at) GROUP BY recorder_serial`,
    ).all({ at }) as Row[];
    return new Map(rows.map((r) => [r.serial as string, Number(r.n)]));
  }

  /** Alerts open now and opened by `at`, oldest first, with the recorder each concerns. */
  openAlerts(at: number): OpenAlertRow[] {
    const rows = cachedStatement(
      this.db,
      `SELECT al.id, al.kind, al.subject, al.detail, al.opened_at, c.recorder_serial AS clip_serial FROM alerts al
       LEFT JOIN clips c ON al.subject LIKE 'clip:%' AND c.id = substr(al.subject, 6)
       WHERE al.resolved_at IS NULL AND al.opened_at <= ? ORDER BY al.opened_at, al.last_seq`,
    ).all(at) as Row[];
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as string,
      subject: r.subject as string,
      detail: r.detail as string | null,
      openedAt: r.opened_at as number,
      serial: (r.clip_serial as string | null) ?? serialOfSubject(r.subject as string),
    }));
  }

  /** Footage-access requests still pending, made by `at`, oldest first. */
  pendingRequests(at: number): PendingRequestRow[] {
    const rows = cachedStatement(
      this.db,
      `SELECT id, requested_by, purpose, requested_at, json_array_length(clip_ids) AS clip_count
       FROM access_requests WHERE status = 'pending' AND requested_at <= ? ORDER BY requested_at, last_seq`,
    ).all(at) as Row[];
    return rows.map((r) => ({
      id: r.id as string,
      requestedBy: r.requested_by as string,
      purpose: r.purpose as string,
      requestedAt: r.requested_at as number,
      clipCount: Number(r.clip_count),
    }));
  }

  /** Export packages made in `range`, oldest first. */
  exportsIn(range: MsRange): ExportRow[] {
    const rows = cachedStatement(
      this.db,
      `SELECT id, created_by, case_no, created_at, bytes, json_array_length(clip_ids) AS clip_count
       FROM exports WHERE created_at >= ? AND created_at < ? ORDER BY created_at, last_seq`,
    ).all(range.from, range.to) as Row[];
    return rows.map((r) => ({
      id: r.id as string,
      createdBy: r.created_by as string,
      caseNo: r.case_no as string | null,
      createdAt: r.created_at as number,
      clipCount: Number(r.clip_count),
      bytes: Number(r.bytes),
    }));
  }

  /** R12: dockings started in `range` and how many distinct officers docked. */
  dockingCounts(range: MsRange): { dockings: number; officers: number } {
    const r = cachedStatement(
      this.db,
      `SELECT count(*) AS dockings, count(DISTINCT s.officer_no) AS officers FROM recorders r
       CROSS JOIN sessions s ON s.recorder_serial = r.serial WHERE s.started_at >= ? AND s.started_at < ?`,
    ).get(range.from, range.to) as Row;
    return { dockings: Number(r.dockings), officers: Number(r.officers) };
  }

  /** R12: what the dockings started in `range` sealed. */
  sealedAtDockings(range: MsRange): ClipTally {
    return tally(
      cachedStatement(
        this.db,
        `SELECT ${TALLY} FROM recorders r CROSS JOIN sessions s ON s.recorder_serial = r.serial
         CROSS JOIN clips c ON c.session_id = s.id WHERE s.started_at >= ? AND s.started_at < ?`,
      ).get(range.from, range.to) as Row,
    );
  }

  /** R12: fault reports, gap explanations, access decisions and exports in `range`. */
  oversightCounts(range: MsRange): {
    faults: number;
    gapsExplained: number;
    approved: number;
    denied: number;
    exports: number;
  } {
    const r = cachedStatement(
      this.db,
      `SELECT (SELECT count(*) FROM faults WHERE reported_at >= @from AND reported_at < @to) AS faults,
         (SELECT count(*) FROM gap_explanations WHERE explained_at >= @from AND explained_at < @to) AS explained,
         d.approved, d.denied,
         (SELECT count(*) FROM exports WHERE created_at >= @from AND created_at < @to) AS exports
       FROM (SELECT coalesce(sum(status = 'approved'), 0) AS approved, coalesce(sum(status = 'denied'), 0) AS denied
         FROM access_requests WHERE decided_at >= @from AND decided_at < @to) d`,
    ).get(range) as Row;
    return {
      faults: Number(r.faults),
      gapsExplained: Number(r.explained),
      approved: Number(r.approved),
      denied: Number(r.denied),
      exports: Number(r.exports),
    };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
