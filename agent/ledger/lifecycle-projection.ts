import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical-json.ts';
import type { LedgerEvent } from './event-types.ts';
import type { LifecycleEventData } from './lifecycle-events.ts';
import { msOf } from './lifecycle-time.ts';
import { purgeAppliers } from './purge-projection.ts';
import { retentionAppliers } from './retention-projection.ts';
import { cachedStatement } from './statement-cache.ts';

/** How one lifecycle event changes the tables. */
export type LifecycleApplier<T extends keyof LifecycleEventData> = (db: Database, e: LedgerEvent<T>) => void;

/** The id of a file's copy row on a store. */
export function copyRowId(store: string, sha256: string): string {
  return `${store}|${sha256}`;
}

/**
 * How the lifecycle's events change the tables (projection.ts takes these in). Each depends on
 * the event alone, so verify can replay them.
 */
export const lifecycleAppliers: { [T in keyof LifecycleEventData]: LifecycleApplier<T> } = {
  ...retentionAppliers,
  ...purgeAppliers,
  'copy.verified': (db, { seq, data: d }) => {
    const at = msOf(d.verifiedAt);
    cachedStatement(
      db,
      `INSERT INTO offsite_copies (id, sha256, store, object_key, version_id, size, last_result, last_purpose,
         first_ok_at, last_checked_at, retain_until, legal_hold, lock_kept, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET object_key = excluded.object_key, version_id = excluded.version_id,
         size = excluded.size, last_result = excluded.last_result, last_purpose = excluded.last_purpose,
         first_ok_at = coalesce(offsite_copies.first_ok_at, excluded.first_ok_at),
         last_checked_at = excluded.last_checked_at, retain_until = excluded.retain_until,
         legal_hold = excluded.legal_hold, lock_kept = excluded.lock_kept, last_seq = excluded.last_seq`,
    ).run(
      copyRowId(d.store, d.sha256),
      d.sha256,
      d.store,
      d.key,
      d.versionId,
      d.size,
      d.result,
      d.purpose,
      d.result === 'ok' ? at : null,
      at,
      msOf(d.retainUntil),
      d.legalHold ? 1 : 0,
      d.lockKept === null ? null : d.lockKept ? 1 : 0,
      seq,
    );
  },
  'copy.requeued': (db, { seq, at, data: d }) => {
    cachedStatement(
      db,
      `UPDATE offsite_copies SET last_result = 'requeued', last_purpose = 'requeue', last_checked_at = ?,
         last_seq = ? WHERE id = ?`,
    ).run(msOf(at), seq, copyRowId(d.store, d.sha256));
  },
  'offsite.probed': (db, { seq, data: d }) => {
    cachedStatement(
      db,
      'INSERT INTO worm_probes (seq, store, outcome, summary, checks, at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(seq, d.store, d.outcome, d.summary, canonicalJson(d.checks), msOf(d.probedAt));
  },
};
