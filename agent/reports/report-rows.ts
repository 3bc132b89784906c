/** Rows the reports' ledger queries return (times in epoch milliseconds), and their mapping. */

/** A half-open range [from, to) in epoch milliseconds. */
export interface MsRange {
  readonly from: number;
  readonly to: number;
}

/** Which check-outs and dockings the ledger table covers: all, one recorder, one officer, or both. */
export interface LedgerScope {
  readonly serial?: string | null;
  readonly officerNo?: string | null;
}

/** What was recorded in a stretch of time or sealed at dockings. */
export interface ClipTally {
  readonly clips: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly late: number;
  readonly gaps: number;
}

/** One check-out (R7) with the recorder's model and the officer's name (personal data). */
export interface CheckoutRow {
  readonly id: string;
  readonly serial: string;
  readonly model: string | null;
  readonly officerNo: string;
  readonly officerName: string | null;
  readonly checkedOutAt: number;
  readonly outBatteryPct: number | null;
  readonly outFreeBytes: number | null;
  readonly checkedInAt: number | null;
  readonly inBatteryPct: number | null;
}

/** One docking (dock session) with the recorder's model and the officer's name. */
export interface DockingRow {
  readonly sessionId: string;
  readonly serial: string;
  readonly model: string | null;
  readonly officerNo: string | null;
  readonly officerName: string | null;
  readonly startedAt: number;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
}

/** A registered recorder with its binding (R8 inventory). */
export interface RecorderRow {
  readonly serial: string;
  readonly model: string | null;
  readonly vendor: string | null;
  readonly status: string;
  readonly registeredAt: number;
  readonly boundOfficerNo: string | null;
  readonly boundOfficerName: string | null;
  readonly lastDockedAt: number | null;
}

/** Who holds a recorder at an instant (R8 handover). */
export interface HolderRow {
  readonly serial: string;
  readonly officerNo: string;
  readonly officerName: string | null;
  readonly checkedOutAt: number;
}

/** An alert open now, with the recorder it concerns when that is known. */
export interface OpenAlertRow {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly detail: string | null;
  /** The alert's facts (alert-kinds.ts); null for alerts from before schema 7. */
  readonly facts: Readonly<Record<string, string | number | boolean | null>> | null;
  readonly openedAt: number;
  readonly serial: string | null;
}

/** A pending footage-access request (no reason: it may name people). */
export interface PendingRequestRow {
  readonly id: string;
  readonly requestedBy: string;
  readonly purpose: string;
  readonly requestedAt: number;
  readonly clipCount: number;
}

/** An export package (R10). */
export interface ExportRow {
  readonly id: string;
  readonly createdBy: string;
  readonly caseNo: string | null;
  readonly createdAt: number;
  readonly clipCount: number;
  readonly bytes: number;
}

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** Read a TALLY aggregate row. */
export function tally(row: Row | undefined): ClipTally {
  return {
    clips: Number(row?.clips ?? 0),
    durationMs: Number(row?.duration_ms ?? 0),
    bytes: Number(row?.bytes ?? 0),
    late: Number(row?.late ?? 0),
    gaps: Number(row?.gaps ?? 0),
  };
}

/** Map an assignments row joined with the model and officer name. */
export function checkoutFromRow(r: Row): CheckoutRow {
  return {
    id: r.id as string,
    serial: r.recorder_serial as string,
    model: r.model as string | null,
    officerNo: r.officer_no as string,
    officerName: r.officer_name as string | null,
    checkedOutAt: r.checked_out_at as number,
    outBatteryPct: r.out_battery_pct as number | null,
    outFreeBytes: r.out_free_bytes as number | null,
    checkedInAt: r.checked_in_at as number | null,
    inBatteryPct: r.in_battery_pct as number | null,
  };
}

/** Map a sessions row joined with the model and officer name. */
export function dockingFromRow(r: Row): DockingRow {
  return {
    sessionId: r.id as string,
    serial: r.recorder_serial as string,
    model: r.model as string | null,
    officerNo: (r.docking_officer_no ?? r.officer_no) as string | null,
    officerName: r.officer_name as string | null,
    startedAt: r.started_at as number,
    batteryPct: r.battery_pct as number | null,
    freeBytes: r.free_bytes as number | null,
  };
}

/** The recorder an alert subject names: `recorder:SN`, `gap:SN:…`; null for others. */
export function serialOfSubject(subject: string): string | null {
  const m = /^(?:recorder|gap):([^:]+)/.exec(subject);
  return m?.[1] ?? null;
}
