import type { Database } from 'better-sqlite3';
import { cachedStatement } from './statement-cache.ts';

/** A sealed file without a copy record on a store. */
export interface CopyCandidate {
  readonly sha256: string;
  readonly size: number;
  readonly vaultRel: string;
  readonly sealedAt: Date;
  /** The clips holding this content (usually one). */
  readonly clipIds: string[];
}

/** One file's copy on one store, as last verified. */
export interface CopyRecordRow {
  readonly sha256: string;
  readonly store: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly size: number;
  readonly lastResult: 'ok' | 'mismatch' | 'missing' | 'requeued';
  readonly lastPurpose: string;
  readonly firstOkAt: Date | null;
  readonly lastCheckedAt: Date;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
  readonly lockKept: boolean | null;
}

/** The newest WORM probe of a store. */
export interface ProbeRow {
  readonly store: string;
  readonly outcome: 'worm' | 'not-worm' | 'unsupported' | 'failed';
  readonly summary: string;
  readonly at: Date;
  readonly checks: { name: string; ok: boolean; detail: string | null }[];
}

type Row = Record<string, unknown>;
const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as number));

function copyFromRow(r: Row): CopyRecordRow {
  return {
    sha256: r.sha256 as string,
    store: r.store as string,
    key: r.object_key as string,
    versionId: r.version_id as string | null,
    size: r.size as number,
    lastResult: r.last_result as CopyRecordRow['lastResult'],
    lastPurpose: r.last_purpose as string,
    firstOkAt: dateOrNull(r.first_ok_at),
    lastCheckedAt: new Date(r.last_checked_at as number),
    retainUntil: dateOrNull(r.retain_until),
    legalHold: r.legal_hold === 1,
    lockKept: r.lock_kept === null ? null : r.lock_kept === 1,
  };
}

// Files waiting: no copy record on the store, or one a person re-queued. Oldest seal first.
const PENDING_SQL = `
  SELECT c.sha256, max(c.size) AS size, min(c.vault_rel) AS vault_rel, min(c.sealed_at) AS sealed_at,
         json_group_array(c.id) AS clip_ids
  FROM clips c
  WHERE NOT EXISTS (SELECT 1 FROM offsite_copies o WHERE o.id = @store || '|' || c.sha256 AND o.last_result != 'requeued')
    AND c.sha256 NOT IN (SELECT value FROM json_each(@skip))
  GROUP BY c.sha256 ORDER BY min(c.sealed_at), c.sha256 LIMIT @limit`;

/** Files with no copy record on `store` (or re-queued), oldest seal first. */
export function copyCandidates(
  db: Database,
  store: string,
  limit: number,
  skip: readonly string[],
): CopyCandidate[] {
  const rows = cachedStatement(db, PENDING_SQL).all({ store, skip: JSON.stringify(skip), limit }) as Row[];
  return rows.map((r) => ({
    sha256: r.sha256 as string,
    size: r.size as number,
    vaultRel: r.vault_rel as string,
    sealedAt: new Date(r.sealed_at as number),
    clipIds: JSON.parse(r.clip_ids as string) as string[],
  }));
}

/** How much waits to be copied to `store`. */
export function copyBacklog(
  db: Database,
  store: string,
): { clips: number; bytes: number; oldestSealedAt: Date | null } {
  const r = cachedStatement(
    db,
    `SELECT count(*) AS clips, coalesce(sum(size), 0) AS bytes, min(sealed_at) AS oldest FROM (
       SELECT c.sha256, max(c.size) AS size, min(c.sealed_at) AS sealed_at FROM clips c
       WHERE NOT EXISTS (SELECT 1 FROM offsite_copies o WHERE o.id = @store || '|' || c.sha256 AND o.last_result != 'requeued')
       GROUP BY c.sha256)`,
  ).get({ store }) as Row;
  return { clips: r.clips as number, bytes: r.bytes as number, oldestSealedAt: dateOrNull(r.oldest) };
}

/** Every store's copy record of a file. */
export function copiesOf(db: Database, sha256: string): CopyRecordRow[] {
  return (
    cachedStatement(db, 'SELECT * FROM offsite_copies WHERE sha256 = ? ORDER BY store').all(sha256) as Row[]
  ).map(copyFromRow);
}

/** The newest probe of `store`, or null. */
export function latestProbe(db: Database, store: string): ProbeRow | null {
  const r = cachedStatement(db, 'SELECT * FROM worm_probes WHERE store = ? ORDER BY seq DESC LIMIT 1').get(
    store,
  ) as Row | undefined;
  if (!r) return null;
  return {
    store: r.store as string,
    outcome: r.outcome as ProbeRow['outcome'],
    summary: r.summary as string,
    at: new Date(r.at as number),
    checks: JSON.parse(r.checks as string) as ProbeRow['checks'],
  };
}

/** The clips holding a file's content, oldest seal first. */
export function clipIdsOf(db: Database, sha256: string): string[] {
  return cachedStatement(db, 'SELECT id FROM clips WHERE sha256 = ? ORDER BY seal_seq')
    .pluck()
    .all(sha256) as string[];
}

/** Bytes of first verified copies on `store` since `since` (the copy rate dockctl estimates with). */
export function bytesCopiedSince(db: Database, store: string, since: Date): number {
  return cachedStatement(
    db,
    'SELECT coalesce(sum(size), 0) FROM offsite_copies WHERE store = ? AND first_ok_at >= ?',
  )
    .pluck()
    .get(store, since.getTime()) as number;
}
