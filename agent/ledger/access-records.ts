import type { AccessAction, AccessPurpose, AccountRole, ClipCheckResult } from './event-types.ts';

/** A local account of the page and dockctl. No password material. */
export interface AccountRecord {
  readonly username: string;
  readonly role: AccountRole;
  /** The officer (警号) this account belongs to, for officers' own footage. */
  readonly officerNo: string | null;
  readonly disabled: boolean;
  readonly createdAt: Date;
  readonly changedBy: string | null;
}

/** R2 labels of one clip. `party` is personal data (R11): never log it. */
export interface ClipLabels {
  readonly clipId: string;
  readonly caseNo: string | null;
  readonly party: string | null;
  readonly officerInCharge: string | null;
  readonly important: boolean;
  readonly labelledBy: string;
  readonly labelledAt: Date;
}

/** R6: a request for footage access and its decision. */
export interface AccessRequestRecord {
  readonly id: string;
  readonly requestedBy: string;
  readonly clipIds: string[];
  readonly purpose: AccessPurpose;
  readonly reason: string;
  readonly requestedAt: Date;
  readonly status: 'pending' | 'approved' | 'denied';
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly decisionNote: string | null;
  readonly expiresAt: Date | null;
}

/** One line of the access log (查询台账). */
export interface AccessLogEntry {
  readonly seq: number;
  readonly username: string;
  readonly action: AccessAction;
  readonly target: string;
  readonly reason: string | null;
  readonly requestId: string | null;
  readonly at: Date;
}

/** An export package made for review or litigation (R10). */
export interface ExportRecord {
  readonly id: string;
  readonly requestId: string | null;
  readonly createdBy: string;
  readonly caseNo: string | null;
  readonly clipIds: string[];
  readonly bytes: number;
  readonly manifestSha256: string;
  readonly createdAt: Date;
}

/** The newest re-check of a clip's vault copy. */
export interface ClipCheckRecord {
  readonly clipId: string;
  readonly result: ClipCheckResult;
  readonly checkedBy: string | null;
  readonly checkedAt: Date;
}

/** Which officer a recorder is bound to. */
export interface RecorderBinding {
  readonly serial: string;
  readonly officerNo: string | null;
  readonly boundBy: string;
  readonly boundAt: Date;
}

/** A logged-in session of the page, looked up by the SHA-256 of its cookie token. */
export interface WebSessionRecord {
  readonly tokenHash: string;
  readonly username: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeen: Date;
}

type Row = Record<string, unknown>;

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(v as number);
}

/** Map an `accounts` row. */
export function accountFromRow(r: Row): AccountRecord {
  return {
    username: r.username as string,
    role: r.role as AccountRole,
    officerNo: r.officer_no as string | null,
    disabled: r.disabled === 1,
    createdAt: new Date(r.created_at as number),
    changedBy: r.changed_by as string | null,
  };
}

/** Map a `clip_labels` row. */
export function labelsFromRow(r: Row): ClipLabels {
  return {
    clipId: r.clip_id as string,
    caseNo: r.case_no as string | null,
    party: r.party as string | null,
    officerInCharge: r.officer_in_charge as string | null,
    important: r.important === 1,
    labelledBy: r.labelled_by as string,
    labelledAt: new Date(r.labelled_at as number),
  };
}

/** Map an `access_requests` row. */
export function accessRequestFromRow(r: Row): AccessRequestRecord {
  return {
    id: r.id as string,
    requestedBy: r.requested_by as string,
    clipIds: JSON.parse(r.clip_ids as string) as string[],
    purpose: r.purpose as AccessPurpose,
    reason: r.reason as string,
    requestedAt: new Date(r.requested_at as number),
    status: r.status as AccessRequestRecord['status'],
    decidedBy: r.decided_by as string | null,
    decidedAt: dateOrNull(r.decided_at),
    decisionNote: r.decision_note as string | null,
    expiresAt: dateOrNull(r.expires_at),
  };
}

/** Map an `access_log` row. */
export function accessLogFromRow(r: Row): AccessLogEntry {
  return {
    seq: r.seq as number,
    username: r.username as string,
    action: r.action as AccessAction,
    target: r.target as string,
    reason: r.reason as string | null,
    requestId: r.request_id as string | null,
    at: new Date(r.at as number),
  };
}

/** Map an `exports` row. */
export function exportFromRow(r: Row): ExportRecord {
  return {
    id: r.id as string,
    requestId: r.request_id as string | null,
    createdBy: r.created_by as string,
    caseNo: r.case_no as string | null,
    clipIds: JSON.parse(r.clip_ids as string) as string[],
    bytes: r.bytes as number,
    manifestSha256: r.manifest_sha256 as string,
    createdAt: new Date(r.created_at as number),
  };
}

/** Map a `clip_checks` row. */
export function clipCheckFromRow(r: Row): ClipCheckRecord {
  return {
    clipId: r.clip_id as string,
    result: r.result as ClipCheckResult,
    checkedBy: r.checked_by as string | null,
    checkedAt: new Date(r.checked_at as number),
  };
}

/** Map a `recorder_bindings` row. */
export function bindingFromRow(r: Row): RecorderBinding {
  return {
    serial: r.serial as string,
    officerNo: r.officer_no as string | null,
    boundBy: r.bound_by as string,
    boundAt: new Date(r.bound_at as number),
  };
}

/** Map a `web_sessions` row. */
export function webSessionFromRow(r: Row): WebSessionRecord {
  return {
    tokenHash: r.token_hash as string,
    username: r.username as string,
    csrfToken: r.csrf_token as string,
    createdAt: new Date(r.created_at as number),
    expiresAt: new Date(r.expires_at as number),
    lastSeen: new Date(r.last_seen as number),
  };
}
