import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical-json.ts';
import type { OutboxBodies, OutboxKind, StoredBodies } from './outbox-bodies.ts';
import { cachedStatement } from './statement-cache.ts';

/** One record of a kind, waiting for (or past) delivery. `id` orders delivery; `recordId` is stable. */
export interface OutboxRow<K extends OutboxKind> {
  readonly id: number;
  readonly kind: K;
  readonly recordId: string;
  /** The event (or, for checkpoints, the sequence) that produced it. */
  readonly eventSeq: number | null;
  readonly body: StoredBodies[K];
  readonly createdAt: Date;
}

/** One outbox record, its body typed by its kind. */
export type OutboxRecord = { [K in OutboxKind]: OutboxRow<K> }[OutboxKind];

/** How much is waiting after a cursor. */
export interface OutboxBacklog {
  /** Records with an id after the cursor. */
  readonly count: number;
  /** When the oldest of them was written, or null when there is none. */
  readonly oldestCreatedAt: Date | null;
  /** The highest id in the outbox (0 when empty). */
  readonly lastId: number;
}

/** Add a record to the outbox. Call inside the transaction that appends the producing event. */
export function addToOutbox<K extends OutboxKind>(
  db: Database,
  record: { kind: K; recordId: string; eventSeq: number | null; body: OutboxBodies[K]; createdAt: Date },
): void {
  cachedStatement(
    db,
    'INSERT INTO outbox (kind, record_id, event_seq, body, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(
    record.kind,
    record.recordId,
    record.eventSeq,
    canonicalJson(record.body),
    record.createdAt.getTime(),
  );
}

// The one place a body is taken on trust: this ledger wrote it, typed by its kind (or an older
// build did, which StoredBodies allows for); every mapped record is checked against its schema.
function fromRow(r: Record<string, unknown>): OutboxRecord {
  return {
    id: r.id as number,
    kind: r.kind as OutboxKind,
    recordId: r.record_id as string,
    eventSeq: r.event_seq as number | null,
    body: JSON.parse(r.body as string),
    createdAt: new Date(r.created_at as number),
  } as OutboxRecord;
}

/** Records with an id after `afterId`, oldest first (the forwarder keeps its own cursor). */
export function readOutbox(db: Database, afterId: number, limit: number): OutboxRecord[] {
  const rows = cachedStatement(db, 'SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?').all(
    afterId,
    limit,
  ) as Record<string, unknown>[];
  return rows.map(fromRow);
}

/** The record with this outbox id, or null (never written, or pruned). */
export function outboxRecordAt(db: Database, id: number): OutboxRecord | null {
  const row = cachedStatement(db, 'SELECT * FROM outbox WHERE id = ?').get(id) as
    | Record<string, unknown>
    | undefined;
  return row ? fromRow(row) : null;
}

/** The outbox id of a record, or null when the outbox does not hold it. */
export function outboxIdOf(db: Database, recordId: string): number | null {
  const row = cachedStatement(db, 'SELECT id FROM outbox WHERE record_id = ?').get(recordId) as
    | { id: number }
    | undefined;
  return row?.id ?? null;
}

/** How many records wait after `afterId`, and since when. */
export function outboxBacklog(db: Database, afterId: number): OutboxBacklog {
  const count = cachedStatement(db, 'SELECT count(*) AS n FROM outbox WHERE id > ?').get(afterId) as {
    n: number;
  };
  const oldest = cachedStatement(db, 'SELECT created_at FROM outbox WHERE id > ? ORDER BY id LIMIT 1').get(
    afterId,
  ) as { created_at: number } | undefined;
  const last = cachedStatement(db, 'SELECT max(id) AS id FROM outbox').get() as { id: number | null };
  return {
    count: count.n,
    oldestCreatedAt: oldest ? new Date(oldest.created_at) : null,
    lastId: last.id ?? 0,
  };
}

/**
 * Delete delivered records: ids below `beforeId` (the forwarder keeps the last acknowledged one,
 * which proves on the next start that the ledger did not go back in time) written before
 * `createdBefore`, except the `keep` ids (parked records) and the dock record. The outbox is delivery state, not part
 * of the chain: every record can still be traced to its event. Returns how many were deleted.
 */
export function pruneOutbox(
  db: Database,
  beforeId: number,
  createdBefore: Date,
  keep: readonly number[] = [],
): number {
  // The dock record (genesis) is never pruned: a receiver needs its key to check checkpoints.
  const stmt = cachedStatement(
    db,
    "DELETE FROM outbox WHERE id > ? AND id < ? AND created_at < ? AND kind != 'dock'",
  );
  const bounds = [...keep.filter((id) => id < beforeId)].sort((a, b) => a - b);
  bounds.push(beforeId);
  return db.transaction(() => {
    // Delete the open ranges between kept ids, so parked records stay.
    let total = 0;
    let from = 0;
    for (const to of bounds) {
      total += stmt.run(from, to, createdBefore.getTime()).changes;
      from = to;
    }
    return total;
  })();
}
