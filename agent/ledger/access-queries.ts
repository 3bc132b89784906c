import type { Database } from 'better-sqlite3';
import {
  type AccessLogEntry,
  type AccessRequestRecord,
  type AccountRecord,
  accessLogFromRow,
  accessRequestFromRow,
  accountFromRow,
  bindingFromRow,
  type ClipCheckRecord,
  type ClipLabels,
  clipCheckFromRow,
  type ExportRecord,
  exportFromRow,
  labelsFromRow,
  type RecorderBinding,
  type WebSessionRecord,
  webSessionFromRow,
} from './access-records.ts';
import type { AccessPurpose } from './event-types.ts';
import { type ClipRecord, clipFromRow, type OfficerRecord, officerFromRow } from './ledger-records.ts';
import { sessionOfficerSql, sessionsOfOfficerSql } from './session-officer.ts';
import { cachedStatement } from './statement-cache.ts';

type Row = Record<string, unknown>;

/** What to look for in the clip search. Every field narrows; none: the newest clips. */
export interface ClipSearch {
  readonly officerNo?: string;
  readonly serial?: string;
  /** Part of a case number (案号), in any letter case. */
  readonly caseNo?: string;
  /** Recording (or, when unknown, seal) time in [from, to). */
  readonly from?: Date;
  readonly to?: Date;
  readonly importantOnly?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

/** A clip as the search and the clip page show it. */
export interface ClipView extends ClipRecord {
  /** The officer of the dock session that sealed it. */
  readonly officerNo: string | null;
  readonly labels: ClipLabels | null;
  readonly check: ClipCheckRecord | null;
}

const CLIP_VIEW = `SELECT c.*, ${sessionOfficerSql('s')} AS s_officer_no,
    l.clip_id AS l_clip_id, l.case_no AS l_case_no, l.party AS l_party, l.officer_in_charge AS l_officer_in_charge,
    l.important AS l_important, l.labelled_by AS l_labelled_by, l.labelled_at AS l_labelled_at,
    k.clip_id AS k_clip_id, k.result AS k_result, k.checked_by AS k_checked_by, k.checked_at AS k_checked_at
  FROM clips c JOIN sessions s ON s.id = c.session_id
  LEFT JOIN clip_labels l ON l.clip_id = c.id
  LEFT JOIN clip_checks k ON k.clip_id = c.id`;

function clipViewFromRow(row: Row): ClipView {
  return {
    ...clipFromRow(row),
    officerNo: row.s_officer_no as string | null,
    labels: row.l_clip_id ? labelsFromRow(prefixed(row, 'l_')) : null,
    check: row.k_clip_id ? clipCheckFromRow(prefixed(row, 'k_')) : null,
  };
}

function prefixed(row: Row, prefix: string): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * Read-only questions about accounts, footage access, labels and exports (issue 7). Writes go
 * through Ledger so that each is an event in the chain.
 */
export class AccessQueries {
  constructor(private readonly db: Database) {}

  /** Every account, by username. */
  accounts(): AccountRecord[] {
    return (cachedStatement(this.db, 'SELECT * FROM accounts ORDER BY username').all() as Row[]).map(
      accountFromRow,
    );
  }

  /** One account, or null. */
  account(username: string): AccountRecord | null {
    const row = cachedStatement(this.db, 'SELECT * FROM accounts WHERE username = ?').get(username);
    return row ? accountFromRow(row as Row) : null;
  }

  /** How many accounts hold this officer number (one at most since numbers are unique). */
  accountsWithOfficerNo(officerNo: string): number {
    return (
      cachedStatement(this.db, 'SELECT count(*) AS n FROM accounts WHERE officer_no = ?').get(officerNo) as {
        n: number;
      }
    ).n;
  }

  /** The stored password hash of an account, or null. */
  passwordHash(username: string): string | null {
    const row = cachedStatement(this.db, 'SELECT password_hash FROM account_secrets WHERE username = ?').get(
      username,
    ) as { password_hash: string } | undefined;
    return row?.password_hash ?? null;
  }

  /** Every registered officer, by officer number. Names are personal data. */
  officers(): OfficerRecord[] {
    return (cachedStatement(this.db, 'SELECT * FROM officers ORDER BY officer_no').all() as Row[]).map(
      officerFromRow,
    );
  }

  /** Search sealed clips, newest first. */
  searchClips(q: ClipSearch): ClipView[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.officerNo) {
      where.push(`s.id IN ${sessionsOfOfficerSql('?')}`);
      params.push(q.officerNo, q.officerNo);
    }
    if (q.serial) {
      where.push('c.recorder_serial = ?');
      params.push(q.serial);
    }
    if (q.caseNo) {
      // Part of a case number finds it: '罚字第9' finds (2025)罚字第9号; letters in any case.
      where.push('instr(lower(l.case_no), lower(?)) > 0');
      params.push(q.caseNo.trim());
    }
    if (q.from) {
      where.push('coalesce(c.recording_start, c.sealed_at) >= ?');
      params.push(q.from.getTime());
    }
    if (q.to) {
      where.push('coalesce(c.recording_start, c.sealed_at) < ?');
      params.push(q.to.getTime());
    }
    if (q.importantOnly) where.push('l.important = 1');
    const sql = `${CLIP_VIEW} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY coalesce(c.recording_start, c.sealed_at) DESC, c.seal_seq DESC LIMIT ? OFFSET ?`;
    params.push(Math.min(q.limit ?? 100, 1000), q.offset ?? 0);
    return (cachedStatement(this.db, sql).all(...params) as Row[]).map(clipViewFromRow);
  }

  /** One clip with its labels and check, or null. */
  clip(clipId: string): ClipView | null {
    const row = cachedStatement(this.db, `${CLIP_VIEW} WHERE c.id = ?`).get(clipId);
    return row ? clipViewFromRow(row as Row) : null;
  }

  /** Access requests, newest first; optionally only one status or one requester. */
  accessRequests(
    filter: { status?: AccessRequestRecord['status']; requestedBy?: string; limit?: number } = {},
  ): AccessRequestRecord[] {
    const rows = cachedStatement(
      this.db,
      `SELECT * FROM access_requests WHERE (@status IS NULL OR status = @status)
         AND (@requestedBy IS NULL OR requested_by = @requestedBy)
       ORDER BY requested_at DESC LIMIT @limit`,
    ).all({
      status: filter.status ?? null,
      requestedBy: filter.requestedBy ?? null,
      limit: filter.limit ?? 200,
    }) as Row[];
    return rows.map(accessRequestFromRow);
  }

  /** One access request, or null. */
  accessRequest(id: string): AccessRequestRecord | null {
    const row = cachedStatement(this.db, 'SELECT * FROM access_requests WHERE id = ?').get(id);
    return row ? accessRequestFromRow(row as Row) : null;
  }

  /**
   * The approved, unexpired request of `username` that covers `clipId` for `purpose` (an export
   * approval also covers viewing), or null.
   */
  approvalFor(
    username: string,
    clipId: string,
    purpose: AccessPurpose,
    at: Date,
  ): AccessRequestRecord | null {
    const row = cachedStatement(
      this.db,
      `SELECT * FROM access_requests WHERE requested_by = ? AND status = 'approved' AND expires_at > ?
         AND (purpose = ? OR purpose = 'export')
         AND EXISTS (SELECT 1 FROM json_each(clip_ids) WHERE value = ?)
       ORDER BY expires_at DESC LIMIT 1`,
    ).get(username, at.getTime(), purpose, clipId);
    return row ? accessRequestFromRow(row as Row) : null;
  }

  /** The access log (查询台账) over [from, to), newest first. */
  accessLog(filter: { from?: Date; to?: Date; username?: string; limit?: number } = {}): AccessLogEntry[] {
    const rows = cachedStatement(
      this.db,
      `SELECT * FROM access_log WHERE at >= @from AND at < @to AND (@username IS NULL OR username = @username)
       ORDER BY seq DESC LIMIT @limit`,
    ).all({
      from: filter.from?.getTime() ?? 0,
      to: filter.to?.getTime() ?? Number.MAX_SAFE_INTEGER,
      username: filter.username ?? null,
      limit: filter.limit ?? 500,
    }) as Row[];
    return rows.map(accessLogFromRow);
  }

  /**
   * Whether `username` has an access-log line of `action` on `target` under `requestId` (null:
   * none) at or after `since`: a viewing is logged once per approval window (R6).
   */
  accessLogged(
    username: string,
    action: string,
    target: string,
    requestId: string | null,
    since: Date,
  ): boolean {
    return (
      cachedStatement(
        this.db,
        `SELECT 1 FROM access_log WHERE username = ? AND at >= ? AND action = ? AND target = ?
           AND request_id IS ? LIMIT 1`,
      ).get(username, since.getTime(), action, target, requestId) !== undefined
    );
  }

  /** Export packages, newest first. */
  exports(limit = 200): ExportRecord[] {
    return (
      cachedStatement(this.db, 'SELECT * FROM exports ORDER BY created_at DESC LIMIT ?').all(limit) as Row[]
    ).map(exportFromRow);
  }

  /** One export, or null. */
  export(id: string): ExportRecord | null {
    const row = cachedStatement(this.db, 'SELECT * FROM exports WHERE id = ?').get(id);
    return row ? exportFromRow(row as Row) : null;
  }

  /** The officer a recorder is bound to, or null. */
  binding(serial: string): RecorderBinding | null {
    const row = cachedStatement(this.db, 'SELECT * FROM recorder_bindings WHERE serial = ?').get(serial);
    return row ? bindingFromRow(row as Row) : null;
  }

  /** The officer of a recorder's latest docking that named one, or null. */
  lastOfficerOf(serial: string): string | null {
    const row = cachedStatement(
      this.db,
      `SELECT officer_no FROM (SELECT ${sessionOfficerSql('s')} AS officer_no, s.started_at FROM sessions s
         WHERE s.recorder_serial = ? ORDER BY s.started_at DESC LIMIT 20) WHERE officer_no IS NOT NULL LIMIT 1`,
    ).get(serial) as { officer_no: string } | undefined;
    return row?.officer_no ?? null;
  }

  /** The raw events with these sequence numbers' types, for export packages: clip events of these clips. */
  eventsForClips(clipIds: readonly string[]): { seq: number; body: string; hash: string }[] {
    const wanted = JSON.stringify([...clipIds]);
    return cachedStatement(
      this.db,
      `SELECT e.seq, e.body, e.hash FROM events e
       WHERE e.type IN ('clip.sealed', 'clip.timed', 'clip.labelled', 'clip.checked', 'clip.wiped')
         AND json_extract(e.body, '$.data.clipId') IN (SELECT value FROM json_each(?))
       ORDER BY e.seq`,
    ).all(wanted) as { seq: number; body: string; hash: string }[];
  }

  /** Events by sequence number (for export packages: the request and its decision, the sessions). */
  eventsBySeq(seqs: readonly number[]): { seq: number; body: string; hash: string }[] {
    return cachedStatement(
      this.db,
      'SELECT seq, body, hash FROM events WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq',
    ).all(JSON.stringify([...seqs])) as { seq: number; body: string; hash: string }[];
  }
}

/** The web page's login sessions (not history: never in the chain). */
export class WebSessionStore {
  constructor(private readonly db: Database) {}

  /** Store a new session. */
  create(s: WebSessionRecord): void {
    cachedStatement(
      this.db,
      `INSERT INTO web_sessions (token_hash, username, csrf_token, created_at, expires_at, last_seen)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      s.tokenHash,
      s.username,
      s.csrfToken,
      s.createdAt.getTime(),
      s.expiresAt.getTime(),
      s.lastSeen.getTime(),
    );
  }

  /** The session with this token hash, or null. */
  find(tokenHash: string): WebSessionRecord | null {
    const row = cachedStatement(this.db, 'SELECT * FROM web_sessions WHERE token_hash = ?').get(tokenHash);
    return row ? webSessionFromRow(row as Row) : null;
  }

  /** Extend a session after activity. */
  touch(tokenHash: string, lastSeen: Date, expiresAt: Date): void {
    cachedStatement(
      this.db,
      'UPDATE web_sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?',
    ).run(lastSeen.getTime(), expiresAt.getTime(), tokenHash);
  }

  /** End one session (log out). */
  delete(tokenHash: string): void {
    cachedStatement(this.db, 'DELETE FROM web_sessions WHERE token_hash = ?').run(tokenHash);
  }

  /** End every session of a user (password changed, account disabled). */
  deleteForUser(username: string): number {
    return cachedStatement(this.db, 'DELETE FROM web_sessions WHERE username = ?').run(username).changes;
  }

  /** Forget expired sessions. */
  deleteExpired(at: Date): number {
    return cachedStatement(this.db, 'DELETE FROM web_sessions WHERE expires_at <= ?').run(at.getTime())
      .changes;
  }
}
