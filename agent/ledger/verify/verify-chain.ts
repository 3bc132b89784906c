import type { Database } from 'better-sqlite3';
import { isCanonicalJson } from '../canonical-json.ts';
import { chainHash, GENESIS_PREV_HASH } from '../event-chain.ts';
import { EVENT_FORMAT_VERSION, EVENT_TYPES, type EventType, type LedgerEvent } from '../event-types.ts';
import type { FindingCollector, VerifyProgress } from './verify-report.ts';

interface EventRow {
  seq: number;
  type: string;
  body: string;
  prev_hash: string;
  hash: string;
}

/** What the chain pass needs and reports to. */
export interface ChainPassOptions {
  readonly dockId: string | null;
  /** Sequence numbers whose stored hash the caller needs (checkpoints, --against). */
  readonly wantHashesAt: ReadonlySet<number>;
  readonly findings: FindingCollector;
  /** Each well-formed event, in stored order (verify replays them). */
  readonly onEvent?: (event: LedgerEvent) => void;
  readonly onProgress?: (p: VerifyProgress) => void;
  readonly pageSize?: number;
}

/** What the chain pass saw. */
export interface ChainPassResult {
  readonly count: number;
  readonly lastSeq: number;
  readonly lastHash: string | null;
  readonly hashes: Map<number, string>;
}

/** Parse a stored body into an event envelope, or return why it is not one. */
export function parseEventBody(body: string): LedgerEvent | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return 'its body is not JSON';
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'its body is not a JSON object';
  const e = doc as Record<string, unknown>;
  if (e.v !== EVENT_FORMAT_VERSION)
    return `its format version is ${String(e.v)}, not ${EVENT_FORMAT_VERSION}`;
  if (!Number.isSafeInteger(e.seq)) return 'it has no integer sequence number';
  if (!EVENT_TYPES.includes(e.type as EventType)) return `its type '${String(e.type)}' is unknown`;
  if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) return 'its time is not an ISO time';
  if (typeof e.dock !== 'string') return 'it names no dock';
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return 'it has no data object';
  return doc as LedgerEvent;
}

/**
 * Walk the events in sequence order, page by page, checking: no sequence number missing, each
 * body canonical and naming its own sequence number and type, each hash recomputed from (previous
 * hash ‖ body), and each event linked to the one before it. Every failure is reported.
 */
export function checkChain(db: Database, opts: ChainPassOptions): ChainPassResult {
  const pageSize = opts.pageSize ?? 5000;
  const page = db.prepare(
    'SELECT seq, type, body, prev_hash, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const total = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const hashes = new Map<number, string>();
  let prev: EventRow | null = null;
  let count = 0;
  for (;;) {
    const rows = page.all(prev?.seq ?? 0, pageSize) as EventRow[];
    for (const row of rows) {
      checkOne(row, prev, opts);
      if (opts.wantHashesAt.has(row.seq)) hashes.set(row.seq, row.hash);
      prev = row;
    }
    count += rows.length;
    opts.onProgress?.({ stage: 'events', done: count, total });
    if (rows.length < pageSize) break;
  }
  if (count === 0)
    opts.findings.add(null, 'ledger-empty', 'the ledger holds no events at all: not even its genesis');
  return { count, lastSeq: prev?.seq ?? 0, lastHash: prev?.hash ?? null, hashes };
}

function checkOne(row: EventRow, prev: EventRow | null, opts: ChainPassOptions): void {
  checkLinks(row, prev, opts.findings);
  const event = checkBody(row, opts);
  if (event) opts.onEvent?.(event);
}

// Sequence continuity, the link to the previous event, and the event's own hash.
function checkLinks(row: EventRow, prev: EventRow | null, f: FindingCollector): void {
  const expected = (prev?.seq ?? 0) + 1;
  if (row.seq > expected) {
    const range =
      row.seq - 1 === expected ? `event ${expected} is` : `events ${expected} to ${row.seq - 1} are`;
    f.add(expected, 'sequence-gap', `${range} missing from the ledger (deleted)`);
  }
  const linkTo = prev ? prev.hash : GENESIS_PREV_HASH;
  if (row.prev_hash !== linkTo) {
    const after = prev ? `event ${prev.seq}` : 'the start of the chain';
    f.add(
      row.seq,
      'chain-break',
      `event ${row.seq} does not link to ${after}: its previous hash is ${short(row.prev_hash)}, expected ${short(linkTo)}`,
    );
  }
  if (chainHash(row.prev_hash, row.body) !== row.hash) {
    f.add(
      row.seq,
      'hash-mismatch',
      `the content of event ${row.seq} does not match its hash: the event was altered`,
    );
  }
}

// The body: well formed, canonical, naming its own sequence number, type and dock.
function checkBody(row: EventRow, opts: ChainPassOptions): LedgerEvent | null {
  const f = opts.findings;
  const event = parseEventBody(row.body);
  if (typeof event === 'string') {
    f.add(row.seq, 'event-malformed', `event ${row.seq} is malformed: ${event}`);
    return null;
  }
  if (!isCanonicalJson(row.body)) {
    f.add(row.seq, 'event-not-canonical', `event ${row.seq} is not in canonical encoding`);
  }
  if (event.seq !== row.seq) {
    const what = `the event stored as ${row.seq} says it is event ${event.seq}`;
    f.add(row.seq, 'sequence-mismatch', `${what}: events were reordered or renumbered`);
  }
  if (event.type !== row.type) {
    const what = `event ${row.seq} is stored as '${row.type}' but its body says '${event.type}'`;
    f.add(row.seq, 'event-malformed', what);
  }
  if (opts.dockId !== null && event.dock !== opts.dockId) {
    const what = `event ${row.seq} belongs to dock ${event.dock}, not to this dock ${opts.dockId}`;
    f.add(row.seq, 'event-foreign-dock', what);
  }
  return event;
}

/** The first 12 hex digits of a hash, for messages. */
export function short(hash: string | null | undefined): string {
  return hash ? `${hash.slice(0, 12)}…` : '(none)';
}
