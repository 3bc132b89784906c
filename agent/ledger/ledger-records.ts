import type {
  AlertSeverity,
  PrefixDigest,
  RecorderStatus,
  SessionOutcome,
  VerifiedBy,
} from './event-types.ts';

/** A registered recorder. */
export interface RecorderRecord {
  readonly serial: string;
  readonly model: string | null;
  readonly vendor: string | null;
  readonly fingerprint: string | null;
  readonly status: RecorderStatus;
  readonly statusReason: string | null;
  readonly registeredAt: Date;
}

/** A registered officer. `name` is personal data: never log it. */
export interface OfficerRecord {
  readonly officerNo: string;
  readonly name: string;
  readonly unit: string | null;
  readonly certNo: string | null;
  readonly registeredAt: Date;
}

/** One docking of one recorder. */
export interface SessionRecord {
  readonly id: string;
  readonly serial: string;
  readonly officerNo: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly clockSkewMs: number | null;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
  readonly totalBytes: number | null;
  readonly endBatteryPct: number | null;
  readonly endFreeBytes: number | null;
  readonly outcome: SessionOutcome | null;
}

/** One sealed file. */
export interface ClipRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly sha256: string;
  readonly prefixDigests: PrefixDigest[];
  readonly verifiedBy: VerifiedBy;
  readonly recordingStart: Date | null;
  readonly recordingEnd: Date | null;
  readonly durationMs: number | null;
  /** Relative to the vault folder: `sha256/ab/ab…`. */
  readonly vaultRel: string;
  readonly sealedAt: Date;
  readonly flags: string[];
  /** Sequence number of the seal event. */
  readonly sealSeq: number;
  /** The recorder file's modification time when sealed; null before schema 7 (and where a query does not join clip_sources). */
  readonly sourceMtimeMs: number | null;
  /** SHA-256 of the recorder file's first bytes (up to 1 MiB); null before schema 7. */
  readonly headSha256: string | null;
}

/** A check-out, and its check-in once the recorder is back. */
export interface AssignmentRecord {
  readonly id: string;
  readonly serial: string;
  readonly officerNo: string;
  readonly checkedOutAt: Date;
  readonly outBatteryPct: number | null;
  readonly outFreeBytes: number | null;
  readonly checkedInAt: Date | null;
  readonly inBatteryPct: number | null;
  readonly inFreeBytes: number | null;
}

/** A fault report. */
export interface FaultRecord {
  readonly id: string;
  readonly serial: string;
  readonly reportedBy: string;
  readonly observedAt: Date;
  readonly reportedAt: Date;
  readonly deadlineHours: number;
  readonly deadlineMet: boolean;
  readonly description: string;
  readonly resolvedAt: Date | null;
  readonly resolutionNote: string | null;
}

/** An alert for the equipment manager. */
export interface AlertRecord {
  readonly id: string;
  readonly kind: string;
  readonly severity: AlertSeverity;
  readonly subject: string;
  readonly detail: string | null;
  /** The facts of the alert's kind (alert-kinds.ts); null for alerts opened before schema 7. */
  readonly facts: Readonly<Record<string, string | number | boolean | null>> | null;
  readonly openedAt: Date;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  readonly note: string | null;
}

type Row = Record<string, unknown>;

function date(v: unknown): Date {
  return new Date(v as number);
}

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(v as number);
}

/** Map a `recorders` row. */
export function recorderFromRow(r: Row): RecorderRecord {
  return {
    serial: r.serial as string,
    model: r.model as string | null,
    vendor: r.vendor as string | null,
    fingerprint: r.fingerprint as string | null,
    status: r.status as RecorderStatus,
    statusReason: r.status_reason as string | null,
    registeredAt: date(r.registered_at),
  };
}

/** Map an `officers` row. */
export function officerFromRow(r: Row): OfficerRecord {
  return {
    officerNo: r.officer_no as string,
    name: r.name as string,
    unit: r.unit as string | null,
    certNo: r.cert_no as string | null,
    registeredAt: date(r.registered_at),
  };
}

/** Map a `sessions` row. */
export function sessionFromRow(r: Row): SessionRecord {
  return {
    id: r.id as string,
    serial: r.recorder_serial as string,
    officerNo: r.officer_no as string | null,
    startedAt: date(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
    clockSkewMs: r.clock_skew_ms as number | null,
    batteryPct: r.battery_pct as number | null,
    freeBytes: r.free_bytes as number | null,
    totalBytes: r.total_bytes as number | null,
    endBatteryPct: r.end_battery_pct as number | null,
    endFreeBytes: r.end_free_bytes as number | null,
    outcome: r.outcome as SessionOutcome | null,
  };
}

/** Map a `clips` row. */
export function clipFromRow(r: Row): ClipRecord {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    serial: r.recorder_serial as string,
    sourcePath: r.source_path as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    prefixDigests: JSON.parse(r.prefix_digests as string) as PrefixDigest[],
    verifiedBy: r.verified_by as VerifiedBy,
    recordingStart: dateOrNull(r.recording_start),
    recordingEnd: dateOrNull(r.recording_end),
    durationMs: r.duration_ms as number | null,
    vaultRel: r.vault_rel as string,
    sealedAt: date(r.sealed_at),
    flags: JSON.parse(r.flags as string) as string[],
    sealSeq: r.seal_seq as number,
    sourceMtimeMs: (r.source_mtime_ms as number | null | undefined) ?? null,
    headSha256: (r.head_sha256 as string | null | undefined) ?? null,
  };
}

/** Map an `assignments` row. */
export function assignmentFromRow(r: Row): AssignmentRecord {
  return {
    id: r.id as string,
    serial: r.recorder_serial as string,
    officerNo: r.officer_no as string,
    checkedOutAt: date(r.checked_out_at),
    outBatteryPct: r.out_battery_pct as number | null,
    outFreeBytes: r.out_free_bytes as number | null,
    checkedInAt: dateOrNull(r.checked_in_at),
    inBatteryPct: r.in_battery_pct as number | null,
    inFreeBytes: r.in_free_bytes as number | null,
  };
}

/** Map a `faults` row. */
export function faultFromRow(r: Row): FaultRecord {
  return {
    id: r.id as string,
    serial: r.recorder_serial as string,
    reportedBy: r.reported_by as string,
    observedAt: date(r.observed_at),
    reportedAt: date(r.reported_at),
    deadlineHours: r.deadline_hours as number,
    deadlineMet: r.deadline_met === 1,
    description: r.description as string,
    resolvedAt: dateOrNull(r.resolved_at),
    resolutionNote: r.resolution_note as string | null,
  };
}

/** Map an `alerts` row. */
export function alertFromRow(r: Row): AlertRecord {
  return {
    id: r.id as string,
    kind: r.kind as string,
    severity: r.severity as AlertSeverity,
    subject: r.subject as string,
    detail: r.detail as string | null,
    facts: typeof r.facts === 'string' ? (JSON.parse(r.facts) as AlertRecord['facts']) : null,
    openedAt: date(r.opened_at),
    resolvedAt: dateOrNull(r.resolved_at),
    resolvedBy: r.resolved_by as string | null,
    note: r.note as string | null,
  };
}
