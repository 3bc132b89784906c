import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical-json.ts';
import { cachedStatement } from './statement-cache.ts';

/** Kinds of record the forwarder delivers to the central store. */
export type OutboxKind = 'dock' | 'clip' | 'session' | 'assignment' | 'fault' | 'checkpoint';

/** One record waiting for (or past) delivery. `id` orders delivery; `recordId` is stable. */
export interface OutboxRecord {
  readonly id: number;
  readonly kind: OutboxKind;
  readonly recordId: string;
  /** The event (or, for checkpoints, the sequence) that produced it. */
  readonly eventSeq: number | null;
  readonly body: unknown;
  readonly createdAt: Date;
}

/** Add a record to the outbox. Call inside the transaction that appends the producing event. */
export function addToOutbox(
  db: Database,
  record: { kind: OutboxKind; recordId: string; eventSeq: number | null; body: unknown; createdAt: Date },
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

/** Records with an id after `afterId`, oldest first (the forwarder keeps its own cursor). */
export function readOutbox(db: Database, afterId: number, limit: number): OutboxRecord[] {
  const rows = cachedStatement(db, 'SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?').all(
    afterId,
    limit,
  ) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number,
    kind: r.kind as OutboxKind,
    recordId: r.record_id as string,
    eventSeq: r.event_seq as number | null,
    body: JSON.parse(r.body as string) as unknown,
    createdAt: new Date(r.created_at as number),
  }));
}
