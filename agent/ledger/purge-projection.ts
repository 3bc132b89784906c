import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical-json.ts';
import type { LedgerEvent } from './event-types.ts';
import type { LifecycleEventData } from './lifecycle-events.ts';
import { msAt } from './lifecycle-time.ts';
import { cachedStatement } from './statement-cache.ts';

type PurgeEvents = Pick<
  LifecycleEventData,
  | 'purge.requested'
  | 'purge.approved'
  | 'purge.staged'
  | 'purge.undone'
  | 'purge.deleted'
  | 'purge.completed'
  | 'file.evicted'
  | 'file.restored'
>;
type Applier<T extends keyof PurgeEvents> = (db: Database, e: LedgerEvent<T>) => void;

function setPurge(db: Database, sql: string, params: unknown[]): void {
  cachedStatement(db, `UPDATE purges SET ${sql} WHERE id = ?`).run(...params);
}

/** Purges and evictions as tables (lifecycle-projection.ts takes these in). */
export const purgeAppliers: { [T in keyof PurgeEvents]: Applier<T> } = {
  'purge.requested': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO purges (id, status, clip_ids, sha256s, bytes, reason, needs_approval, requested_by, requested_at,
         last_seq) VALUES (?, 'requested', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.purgeId,
      canonicalJson(d.clipIds),
      canonicalJson(d.sha256s),
      d.bytes,
      d.reason,
      d.needsApproval ? 1 : 0,
      d.requestedBy,
      msAt(d.requestedAt),
      seq,
    );
    const member = cachedStatement(db, 'INSERT INTO purge_clips (clip_id, purge_id, seq) VALUES (?, ?, ?)');
    for (const clipId of d.clipIds) member.run(clipId, d.purgeId, seq);
  },
  'purge.approved': (db, { seq, data: d }) => {
    setPurge(db, `status = 'approved', approved_by = ?, approved_at = ?, last_seq = ?`, [
      d.approvedBy,
      msAt(d.approvedAt),
      seq,
      d.purgeId,
    ]);
  },
  'purge.staged': (db, { seq, data: d }) => {
    setPurge(db, `status = 'recoverable', staged_at = ?, grace_until = ?, last_seq = ?`, [
      msAt(d.stagedAt),
      msAt(d.graceUntil),
      seq,
      d.purgeId,
    ]);
  },
  'purge.undone': (db, { seq, data: d }) => {
    setPurge(db, `status = 'undone', undone_by = ?, undone_at = ?, undo_reason = ?, last_seq = ?`, [
      d.undoneBy,
      msAt(d.undoneAt),
      d.reason,
      seq,
      d.purgeId,
    ]);
    cachedStatement(db, 'DELETE FROM purge_clips WHERE purge_id = ?').run(d.purgeId);
  },
  'purge.deleted': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO purge_deletions (id, purge_id, sha256, place, result, at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET result = excluded.result, at = excluded.at, last_seq = excluded.last_seq`,
    ).run(`${d.purgeId}|${d.sha256}|${d.place}`, d.purgeId, d.sha256, d.place, d.result, msAt(d.at), seq);
  },
  'purge.completed': (db, { seq, data: d }) => {
    setPurge(db, `status = 'completed', completed_at = ?, last_seq = ?`, [
      msAt(d.completedAt),
      seq,
      d.purgeId,
    ]);
  },
  'file.evicted': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      `INSERT INTO evictions (sha256, evicted_at, free_percent, last_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (sha256) DO UPDATE SET evicted_at = excluded.evicted_at, free_percent = excluded.free_percent,
         restored_at = NULL, restored_from = NULL, last_seq = excluded.last_seq`,
    ).run(d.sha256, msAt(d.evictedAt), d.freePercent, seq);
  },
  'file.restored': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      'UPDATE evictions SET restored_at = ?, restored_from = ?, last_seq = ? WHERE sha256 = ?',
    ).run(msAt(d.restoredAt), d.store, seq, d.sha256);
  },
};
