import type { Database } from 'better-sqlite3';
import type { LedgerEvent } from './event-types.ts';
import type { LifecycleEventData } from './lifecycle-events.ts';
import { msAt, msOf } from './lifecycle-time.ts';
import { cachedStatement } from './statement-cache.ts';

type RetentionEvents = Pick<
  LifecycleEventData,
  'case.closed' | 'case.reopened' | 'clip.valued' | 'hold.placed' | 'hold.lifted'
>;
type Applier<T extends keyof RetentionEvents> = (db: Database, e: LedgerEvent<T>) => void;

/** Closed cases, no-value marks and R4 holds as tables (lifecycle-projection.ts takes these in). */
export const retentionAppliers: { [T in keyof RetentionEvents]: Applier<T> } = {
  'case.closed': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO closed_cases (case_no, closed_at, closed_by, note, last_seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (case_no) DO UPDATE SET closed_at = excluded.closed_at, closed_by = excluded.closed_by,
         note = excluded.note, last_seq = excluded.last_seq`,
    ).run(d.caseNo, msAt(d.closedAt), d.closedBy, d.note, seq);
  },
  'case.reopened': (db, { data: d }) => {
    cachedStatement(db, 'DELETE FROM closed_cases WHERE case_no = ?').run(d.caseNo);
  },
  'clip.valued': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO clip_values (clip_id, no_value, marked_by, marked_at, last_seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (clip_id) DO UPDATE SET no_value = excluded.no_value, marked_by = excluded.marked_by,
         marked_at = excluded.marked_at, last_seq = excluded.last_seq`,
    ).run(d.clipId, d.noValue ? 1 : 0, d.by, msAt(at), seq);
  },
  'hold.placed': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO holds (id, scope, clip_id, session_id, serial, from_at, to_at, ground, case_name, case_no,
         placed_by, placed_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.holdId,
      d.scope,
      d.clipId,
      d.sessionId,
      d.serial,
      msOf(d.from),
      msOf(d.to),
      d.ground,
      d.caseName,
      d.caseNo,
      d.placedBy,
      msAt(d.placedAt),
      seq,
    );
  },
  'hold.lifted': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `UPDATE holds SET lifted_by = ?, lifted_at = ?, lift_reason = ?, last_seq = ? WHERE id = ? AND lifted_at IS NULL`,
    ).run(d.liftedBy, msAt(d.liftedAt), d.reason, seq, d.holdId);
  },
};
