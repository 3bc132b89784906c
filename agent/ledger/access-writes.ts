import type { Database } from 'better-sqlite3';
import { withWords } from '../i18n/error-words.ts';
import {
  type AccessRequestRecord,
  accessRequestFromRow,
  accountFromRow,
  labelsFromRow,
} from './access-records.ts';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import type { AccessAction, AccessPurpose, AccountRole, ClipCheckResult } from './event-types.ts';
import { optionalText, requireOneOf, requireText } from './input-checks.ts';
import { findClip, findOfficer, findRecorder } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** Every account role, in the order the page lists them. */
export const ACCOUNT_ROLES: readonly AccountRole[] = ['officer', 'manager', 'supervisor', 'auditor', 'admin'];
const PURPOSES: readonly AccessPurpose[] = ['view', 'export'];
const ACTIONS: readonly AccessAction[] = [
  'view',
  'download',
  'export',
  'export-download',
  'ledger-export',
  'report',
  'access-log',
];
const CHECK_RESULTS: readonly ClipCheckResult[] = ['ok', 'mismatch', 'missing'];

/** Usernames: ASCII letters, digits, dot, dash, underscore; 2 to 32 characters. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;

/** A new or changed account. */
export interface AccountInput {
  readonly username: string;
  readonly role: AccountRole;
  readonly officerNo?: string | null;
  readonly disabled?: boolean;
  /** Who made the change (a username), or null for the first account made at the console. */
  readonly changedBy: string | null;
}

/** Create or change an account (no event when nothing changes). */
export function saveAccount(ctx: WriteContext, input: AccountInput): void {
  const username = requireText('username', input.username);
  if (!USERNAME_PATTERN.test(username))
    throw withWords(
      new LedgerInputError(
        `the username '${username}' is not allowed: use 2–32 letters, digits, '.', '-' or '_'`,
      ),
      'err.username.bad',
    );
  const data = {
    username,
    role: requireOneOf('role', input.role, ACCOUNT_ROLES),
    officerNo: optionalText('officerNo', input.officerNo),
    disabled: input.disabled ?? false,
    changedBy: optionalText('changedBy', input.changedBy),
  };
  const row = cachedStatement(ctx.db, 'SELECT * FROM accounts WHERE username = ?').get(username);
  const existing = row ? accountFromRow(row as Record<string, unknown>) : null;
  if (data.officerNo !== null && data.officerNo !== existing?.officerNo)
    checkOfficerNoFree(ctx, data.officerNo);
  if (
    existing &&
    existing.role === data.role &&
    existing.officerNo === data.officerNo &&
    existing.disabled === data.disabled
  ) {
    return;
  }
  ctx.events.append('account.saved', data, ctx.now());
}

/**
 * An account's officer number must be a registered officer's, and no other account's: a second
 * account on the number would see that officer's footage as its own (R6).
 */
function checkOfficerNoFree(ctx: WriteContext, officerNo: string): void {
  if (!findOfficer(ctx.db, officerNo))
    throw withWords(
      new LedgerStateError(
        `the officer ${officerNo} is not registered: register the officer on the recorders page first, or check the number`,
      ),
      'err.officerNotRegistered',
      { no: officerNo },
    );
  const holder = cachedStatement(ctx.db, 'SELECT username FROM accounts WHERE officer_no = ?').get(
    officerNo,
  ) as { username: string } | undefined;
  if (holder)
    throw withWords(
      new LedgerStateError(
        `the officer number ${officerNo} already belongs to the account ${holder.username}: one officer has one account`,
      ),
      'err.officerNoTaken',
      { no: officerNo, holder: holder.username },
    );
}

/** Store an account's password hash (not part of the chain). */
export function setPasswordHash(ctx: WriteContext, username: string, hash: string): void {
  cachedStatement(
    ctx.db,
    `INSERT INTO account_secrets (username, password_hash, changed_at) VALUES (?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at`,
  ).run(username, hash, ctx.now().getTime());
}

/** R2 labels for one clip, as entered. */
export interface LabelInput {
  readonly clipId: string;
  readonly caseNo?: string | null;
  readonly party?: string | null;
  readonly officerInCharge?: string | null;
  readonly important?: boolean;
  readonly labelledBy: string;
}

/** Label a clip (the newest labelling replaces the previous one). No event when nothing changes. */
export function labelClip(ctx: WriteContext, input: LabelInput): void {
  const clipId = requireText('clipId', input.clipId);
  if (!findClip(ctx.db, clipId))
    throw withWords(
      new LedgerStateError(`the clip ${clipId} is not sealed in the ledger`),
      'err.clipNotSealed',
    );
  const data = {
    clipId,
    caseNo: optionalText('caseNo', blankToNull(input.caseNo)),
    party: optionalText('party', blankToNull(input.party)),
    officerInCharge: optionalText('officerInCharge', blankToNull(input.officerInCharge)),
    important: input.important ?? false,
    labelledBy: requireText('labelledBy', input.labelledBy),
  };
  const row = cachedStatement(ctx.db, 'SELECT * FROM clip_labels WHERE clip_id = ?').get(clipId);
  const old = row ? labelsFromRow(row as Record<string, unknown>) : null;
  if (
    old &&
    old.caseNo === data.caseNo &&
    old.party === data.party &&
    old.officerInCharge === data.officerInCharge &&
    old.important === data.important
  ) {
    return;
  }
  ctx.events.append('clip.labelled', data, ctx.now());
}

function blankToNull(v: string | null | undefined): string | null {
  return v === undefined || v === null || v.trim() === '' ? null : v.trim();
}

/** R6: ask for access to footage outside one's own. */
export interface AccessRequestInput {
  readonly requestedBy: string;
  readonly clipIds: readonly string[];
  readonly purpose: AccessPurpose;
  readonly reason: string;
}

/** Record an access request; returns its id. Every clip must be sealed here. */
export function requestAccess(ctx: WriteContext, input: AccessRequestInput): string {
  const clipIds = [...new Set(input.clipIds)].sort();
  if (clipIds.length === 0)
    throw withWords(
      new LedgerInputError('an access request must name at least one clip'),
      'err.request.noClips',
    );
  for (const id of clipIds) {
    if (!findClip(ctx.db, requireText('clipId', id)))
      throw withWords(
        new LedgerStateError(`the clip ${id} is not sealed in the ledger`),
        'err.clipNotSealed',
      );
  }
  const requestId = ctx.newId();
  const at = ctx.now();
  ctx.events.append(
    'access.requested',
    {
      requestId,
      requestedBy: requireText('requestedBy', input.requestedBy),
      clipIds,
      purpose: requireOneOf('purpose', input.purpose, PURPOSES),
      reason: requireText('reason', input.reason?.trim()),
      requestedAt: at.toISOString(),
    },
    at,
  );
  return requestId;
}

/** A supervisor's decision on a pending request. */
export interface AccessDecisionInput {
  readonly requestId: string;
  readonly decision: 'approved' | 'denied';
  readonly decidedBy: string;
  readonly note?: string | null;
  /** How long approved access lasts. */
  readonly validForHours?: number;
}

/** Decide a pending request. Refuses a decision by the requester or on a decided request. */
export function decideAccess(ctx: WriteContext, input: AccessDecisionInput): AccessRequestRecord {
  const request = findAccessRequest(ctx.db, requireText('requestId', input.requestId));
  if (!request)
    throw withWords(
      new LedgerStateError(`the access request ${input.requestId} is not in the ledger`),
      'err.request.unknown',
    );
  if (request.status !== 'pending')
    throw withWords(
      new LedgerStateError(`the access request ${request.id} was already ${request.status}`),
      'err.request.decided',
      { status: request.status },
    );
  const decidedBy = requireText('decidedBy', input.decidedBy);
  if (decidedBy === request.requestedBy)
    throw withWords(
      new LedgerStateError('nobody may decide their own access request: ask another supervisor'),
      'err.request.own',
    );
  const decision = requireOneOf('decision', input.decision, ['approved', 'denied'] as const);
  const at = ctx.now();
  const hours = input.validForHours ?? 72;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 90)
    throw withWords(
      new LedgerInputError(`validForHours must be a whole number from 1 to 2160, not ${String(hours)}`),
      'err.request.hours',
    );
  ctx.events.append(
    'access.decided',
    {
      requestId: request.id,
      decision,
      decidedBy,
      decidedAt: at.toISOString(),
      note: optionalText('note', blankToNull(input.note)),
      expiresAt: decision === 'approved' ? new Date(at.getTime() + hours * 3_600_000).toISOString() : null,
    },
    at,
  );
  return findAccessRequest(ctx.db, request.id) as AccessRequestRecord;
}

/** The access request with this id, or null. */
export function findAccessRequest(db: Database, id: string): AccessRequestRecord | null {
  const row = cachedStatement(db, 'SELECT * FROM access_requests WHERE id = ?').get(id);
  return row ? accessRequestFromRow(row as Record<string, unknown>) : null;
}

/** One access to write to the access log (查询台账). */
export interface AccessLogInput {
  readonly username: string;
  readonly action: AccessAction;
  /** What was accessed: `clip:<id>`, `export:<id>`, `ledger:<filter>`, `report:<name>` … */
  readonly target: string;
  readonly reason?: string | null;
  readonly requestId?: string | null;
}

/** Write one line of the access log; returns its sequence number. */
export function logAccess(ctx: WriteContext, input: AccessLogInput): number {
  const ev = ctx.events.append(
    'access.logged',
    {
      username: requireText('username', input.username),
      action: requireOneOf('action', input.action, ACTIONS),
      target: requireText('target', input.target),
      reason: optionalText('reason', blankToNull(input.reason)),
      requestId: optionalText('requestId', input.requestId),
    },
    ctx.now(),
  );
  return ev.seq;
}

/** An export package that was written (R10). */
export interface ExportInput {
  readonly exportId: string;
  readonly requestId: string | null;
  readonly createdBy: string;
  readonly caseNo: string | null;
  readonly clipIds: readonly string[];
  readonly bytes: number;
  readonly manifestSha256: string;
}

/** Record an export package. */
export function recordExport(ctx: WriteContext, input: ExportInput): void {
  if (input.clipIds.length === 0) throw new LedgerInputError('an export must hold at least one clip');
  if (!/^[0-9a-f]{64}$/.test(input.manifestSha256))
    throw new LedgerInputError('manifestSha256 must be 64 lowercase hex digits');
  const at = ctx.now();
  ctx.events.append(
    'export.created',
    {
      exportId: requireText('exportId', input.exportId),
      requestId: optionalText('requestId', input.requestId),
      createdBy: requireText('createdBy', input.createdBy),
      caseNo: optionalText('caseNo', blankToNull(input.caseNo)),
      clipIds: [...input.clipIds],
      bytes: input.bytes,
      manifestSha256: input.manifestSha256,
      createdAt: at.toISOString(),
    },
    at,
  );
}

/** Record the result of re-hashing a clip's vault copy. */
export function recordClipCheck(
  ctx: WriteContext,
  clipId: string,
  result: ClipCheckResult,
  checkedBy: string | null,
): void {
  if (!findClip(ctx.db, requireText('clipId', clipId)))
    throw new LedgerStateError(`the clip ${clipId} is not sealed in the ledger`);
  const at = ctx.now();
  ctx.events.append(
    'clip.checked',
    {
      clipId,
      result: requireOneOf('result', result, CHECK_RESULTS),
      checkedBy: optionalText('checkedBy', checkedBy),
      checkedAt: at.toISOString(),
    },
    at,
  );
}

/** Bind a recorder to an officer (null: unbind). The officer must be registered. */
export function bindRecorder(ctx: WriteContext, serial: string, officerNo: string | null, by: string): void {
  if (!findRecorder(ctx.db, requireText('serial', serial)))
    throw withWords(
      new LedgerStateError(`the recorder ${serial} is not registered in the ledger: register it first`),
      'err.recorderNotRegistered',
      { serial },
    );
  const officer = optionalText('officerNo', officerNo);
  if (officer !== null && !findOfficer(ctx.db, officer))
    throw withWords(
      new LedgerStateError(`the officer ${officer} is not registered in the ledger: register them first`),
      'err.officerNotRegistered',
      { no: officer },
    );
  ctx.events.append(
    'recorder.bound',
    { serial, officerNo: officer, boundBy: requireText('by', by) },
    ctx.now(),
  );
}
