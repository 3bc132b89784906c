import type { Database } from 'better-sqlite3';
import type { HoldGround, HoldScope } from './lifecycle-events.ts';
import { EVICTED, HELD, IN_PURGE, RECORDED_AT } from './lifecycle-sql.ts';
import { cachedStatement } from './statement-cache.ts';

type Row = Record<string, unknown>;
const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as number));

/** What one clip's retention and purge depend on. */
export interface ClipRetentionRow {
  readonly clipId: string;
  readonly sha256: string;
  readonly size: number;
  readonly recordedAt: Date;
  readonly caseNo: string | null;
  readonly caseClosedAt: Date | null;
  readonly lastExportAt: Date | null;
  readonly noValue: boolean;
  readonly held: boolean;
  readonly inPurge: boolean;
  readonly evicted: boolean;
}

const FACTS = `SELECT c.id, c.sha256, c.size, ${RECORDED_AT} AS recorded_at, l.case_no, cc.closed_at,
    (SELECT max(e.created_at) FROM exports e, json_each(e.clip_ids) j WHERE j.value = c.id) AS last_export,
    coalesce(v.no_value, 0) AS no_value, ${HELD} AS held, ${IN_PURGE} AS in_purge, ${EVICTED} AS evicted
  FROM clips c LEFT JOIN clip_labels l ON l.clip_id = c.id
  LEFT JOIN closed_cases cc ON cc.case_no = l.case_no
  LEFT JOIN clip_values v ON v.clip_id = c.id`;

function factsFromRow(r: Row): ClipRetentionRow {
  return {
    clipId: r.id as string,
    sha256: r.sha256 as string,
    size: r.size as number,
    recordedAt: new Date(r.recorded_at as number),
    caseNo: r.case_no as string | null,
    caseClosedAt: dateOrNull(r.closed_at),
    lastExportAt: dateOrNull(r.last_export),
    noValue: r.no_value === 1,
    held: r.held === 1,
    inPurge: r.in_purge === 1,
    evicted: r.evicted === 1,
  };
}

/** The retention inputs of each clip in `clipIds` (unknown ids are left out). */
export function retentionRows(db: Database, clipIds: readonly string[]): ClipRetentionRow[] {
  return (
    cachedStatement(db, `${FACTS} WHERE c.id IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(clipIds),
    ) as Row[]
  ).map(factsFromRow);
}

/**
 * Clips recorded before `recordedBefore` that are neither held nor in a purge, oldest first: the
 * only ones whose retention can have ended (the service applies the policy).
 */
export function purgeCandidates(db: Database, recordedBefore: Date, limit: number): ClipRetentionRow[] {
  return (
    cachedStatement(
      db,
      `${FACTS} WHERE ${RECORDED_AT} < ? AND NOT ${HELD} AND NOT ${IN_PURGE} ORDER BY ${RECORDED_AT}, c.id LIMIT ?`,
    ).all(recordedBefore.getTime(), limit) as Row[]
  ).map(factsFromRow);
}

/** An R4 hold. */
export interface HoldRow {
  readonly id: string;
  readonly scope: HoldScope;
  readonly clipId: string | null;
  readonly sessionId: string | null;
  readonly serial: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
  readonly ground: HoldGround;
  readonly caseName: string;
  readonly caseNo: string;
  readonly placedBy: string;
  readonly placedAt: Date;
  readonly liftedBy: string | null;
  readonly liftedAt: Date | null;
  readonly liftReason: string | null;
}

function holdFromRow(r: Row): HoldRow {
  return {
    id: r.id as string,
    scope: r.scope as HoldScope,
    clipId: r.clip_id as string | null,
    sessionId: r.session_id as string | null,
    serial: r.serial as string | null,
    from: dateOrNull(r.from_at),
    to: dateOrNull(r.to_at),
    ground: r.ground as HoldGround,
    caseName: r.case_name as string,
    caseNo: r.case_no as string,
    placedBy: r.placed_by as string,
    placedAt: new Date(r.placed_at as number),
    liftedBy: r.lifted_by as string | null,
    liftedAt: dateOrNull(r.lifted_at),
    liftReason: r.lift_reason as string | null,
  };
}

/** The hold with this id, or null. */
export function findHold(db: Database, id: string): HoldRow | null {
  const r = cachedStatement(db, 'SELECT * FROM holds WHERE id = ?').get(id) as Row | undefined;
  return r ? holdFromRow(r) : null;
}

/** Holds, active first then newest; `activeOnly` leaves out lifted ones. */
export function holds(db: Database, activeOnly: boolean): HoldRow[] {
  const where = activeOnly ? 'WHERE lifted_at IS NULL' : '';
  return (
    cachedStatement(
      db,
      `SELECT * FROM holds ${where} ORDER BY lifted_at IS NOT NULL, placed_at DESC`,
    ).all() as Row[]
  ).map(holdFromRow);
}

/** The active holds that cover a clip. */
export function holdsOfClip(db: Database, clipId: string): HoldRow[] {
  return (
    cachedStatement(
      db,
      `SELECT h.* FROM holds h JOIN clips c ON c.id = ? WHERE h.lifted_at IS NULL AND (
         (h.scope = 'clip' AND h.clip_id = c.id) OR (h.scope = 'session' AND h.session_id = c.session_id)
         OR (h.scope = 'recorder' AND h.serial = c.recorder_serial
             AND ${RECORDED_AT} >= h.from_at AND ${RECORDED_AT} < h.to_at))
       ORDER BY h.placed_at`,
    ).all(clipId) as Row[]
  ).map(holdFromRow);
}

/** Held clips (id, file, size), oldest first: they keep two verified copies (R4). */
export function heldClips(db: Database, limit: number): { clipId: string; sha256: string; size: number }[] {
  return (
    cachedStatement(
      db,
      `SELECT c.id, c.sha256, c.size FROM clips c WHERE ${HELD} ORDER BY ${RECORDED_AT} LIMIT ?`,
    ).all(limit) as Row[]
  ).map((r) => ({ clipId: r.id as string, sha256: r.sha256 as string, size: r.size as number }));
}

/** What labels a held clip's copy (R4 一式两份: unit, maker, time, case name and number). */
export interface LabelFacts {
  readonly clipId: string;
  readonly sha256: string;
  readonly serial: string;
  readonly officerNo: string | null;
  /** Personal data (R11): only for an encrypted, authenticated store. */
  readonly officerName: string | null;
  readonly unit: string | null;
  readonly recordingStart: Date | null;
  readonly recordingEnd: Date | null;
  readonly caseNo: string | null;
}

/** The label facts of each clip holding `sha256`. */
export function labelFacts(db: Database, sha256: string): LabelFacts[] {
  return (
    cachedStatement(
      db,
      `SELECT c.id, c.sha256, c.recorder_serial, s.officer_no, o.name, o.unit, c.recording_start, c.recording_end,
         l.case_no FROM clips c JOIN sessions s ON s.id = c.session_id
       LEFT JOIN officers o ON o.officer_no = s.officer_no LEFT JOIN clip_labels l ON l.clip_id = c.id
       WHERE c.sha256 = ? ORDER BY c.seal_seq`,
    ).all(sha256) as Row[]
  ).map((r) => ({
    clipId: r.id as string,
    sha256: r.sha256 as string,
    serial: r.recorder_serial as string,
    officerNo: r.officer_no as string | null,
    officerName: r.name as string | null,
    unit: r.unit as string | null,
    recordingStart: dateOrNull(r.recording_start),
    recordingEnd: dateOrNull(r.recording_end),
    caseNo: r.case_no as string | null,
  }));
}

/** A verified copy whose lock may need changing: held, released, or of a class kept longer than routine. */
export interface LockSyncRow {
  readonly sha256: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly size: number;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
  readonly held: boolean;
  readonly clipIds: string[];
}

/**
 * Verified copies on `store` whose lock may differ from what is wanted now: a legal hold to set or
 * clear, or a retention to extend (clips labelled with a case, exported, or marked).
 */
export function lockSyncRows(db: Database, store: string): LockSyncRow[] {
  return (
    cachedStatement(
      db,
      `SELECT * FROM (SELECT o.sha256, o.object_key, o.version_id, o.size, o.retain_until, o.legal_hold,
         (SELECT json_group_array(c.id) FROM clips c WHERE c.sha256 = o.sha256) AS clip_ids,
         EXISTS (SELECT 1 FROM clips c WHERE c.sha256 = o.sha256 AND ${HELD}) AS held,
         EXISTS (SELECT 1 FROM clips c WHERE c.sha256 = o.sha256 AND (
           EXISTS (SELECT 1 FROM clip_labels l WHERE l.clip_id = c.id AND l.case_no IS NOT NULL)
           OR EXISTS (SELECT 1 FROM exports x, json_each(x.clip_ids) j WHERE j.value = c.id)
           OR EXISTS (SELECT 1 FROM clip_values v WHERE v.clip_id = c.id))) AS kept_longer
       FROM offsite_copies o WHERE o.store = ? AND o.last_result = 'ok')
       WHERE held OR legal_hold OR kept_longer`,
    ).all(store) as Row[]
  ).map((r) => ({
    sha256: r.sha256 as string,
    key: r.object_key as string,
    versionId: r.version_id as string | null,
    size: r.size as number,
    retainUntil: dateOrNull(r.retain_until),
    legalHold: r.legal_hold === 1,
    held: r.held === 1,
    clipIds: JSON.parse(r.clip_ids as string) as string[],
  }));
}
