import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { failpoint } from '../ops/failpoints.ts';
import { canonicalJson } from './canonical-json.ts';
import {
  EVENT_FORMAT_VERSION,
  type EventDataByType,
  type EventType,
  type LedgerEvent,
} from './event-types.ts';
import { applyEvent } from './projection.ts';

/** The "previous hash" of the first event: 32 zero bytes, in hex. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** The chain's head: the last event's sequence number and hash (seq 0 and the genesis value when empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** One row of the `events` table. */
export interface StoredEvent {
  readonly seq: number;
  readonly type: string;
  /** The canonical encoding of the event envelope: exactly the bytes that were hashed. */
  readonly body: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** SHA-256 over (previous hash as 32 raw bytes ‖ UTF-8 bytes of the canonical body), in hex. */
export function chainHash(prevHashHex: string, body: string): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(body, 'utf8').digest('hex');
}

/** The canonical body of an event envelope. */
export function encodeEvent(event: LedgerEvent): string {
  return canonicalJson(event);
}

/**
 * Appends events to the chain and applies each to the tables, in the caller's transaction.
 * The head is read from the table on every append, so a rolled-back transaction leaves no stale
 * state behind.
 */
export class EventLog {
  private readonly insert: Statement;
  private readonly last: Statement;

  constructor(
    private readonly db: Database,
    private readonly dockId: string,
  ) {
    this.insert = db.prepare('INSERT INTO events (seq, type, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?)');
    this.last = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  }

  /** The current head of the chain. */
  head(): ChainHead {
    const row = this.last.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS_PREV_HASH };
  }

  /** The types of the events after `seq`, comma-separated (a failpoint subject: agent/ops/failpoints.ts). */
  typesAfter(seq: number): string {
    const rows = this.db.prepare('SELECT type FROM events WHERE seq > ? ORDER BY seq').all(seq) as {
      type: string;
    }[];
    return rows.map((r) => r.type).join(',');
  }

  /** Append one event and apply it. Must run inside a transaction (see Ledger). */
  append<T extends EventType>(type: T, data: EventDataByType[T], at: Date): StoredEvent {
    if (!this.db.inTransaction) throw new Error('EventLog.append must run inside a transaction');
    const head = this.head();
    const event: LedgerEvent<T> = {
      v: EVENT_FORMAT_VERSION,
      seq: head.seq + 1,
      type,
      at: at.toISOString(),
      dock: this.dockId,
      data,
    };
    const body = encodeEvent(event as LedgerEvent);
    const hash = chainHash(head.hash, body);
    this.insert.run(event.seq, type, body, head.hash, hash);
    applyEvent(this.db, event as LedgerEvent);
    failpoint('ledger.append', type);
    return { seq: event.seq, type, body, prevHash: head.hash, hash };
  }
}
