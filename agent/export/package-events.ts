import { LedgerStateError } from '../ledger/errors.ts';
import { GENESIS_PREV_HASH } from '../ledger/event-chain.ts';
import type { Ledger } from '../ledger/ledger.ts';

/**
 * One line of `data/ledger-events.jsonl`: an event exactly as chained, so that a recipient can
 * recompute `hash = SHA-256(prevHash bytes ‖ UTF-8 body)` (agent/ledger/README.md). A body carrying
 * a party name (R11) is withheld: `body` is null and `withheld` says why; its hash still shows
 * where it sits in the chain.
 */
export interface PackageEventLine {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly body: string | null;
  readonly withheld?: string;
}

type EventRow = { seq: number; body: string; hash: string };

const SCAN_CHUNK = 1000;
const REQUEST_TYPES = new Set(['access.requested', 'access.decided']);

/**
 * The sequence numbers of a request's `access.requested` and `access.decided` events, scanning back
 * from the head (approvals are recent: they expire within 90 days).
 */
function requestEventSeqs(ledger: Ledger, requestId: string): number[] {
  const found: number[] = [];
  for (let hi = ledger.head().seq; hi >= 1; hi -= SCAN_CHUNK) {
    const lo = Math.max(1, hi - SCAN_CHUNK + 1);
    const seqs = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    const rows = ledger.accessQueries.eventsBySeq(seqs).reverse();
    for (const row of rows) {
      if (!row.body.includes(requestId)) continue;
      const ev = JSON.parse(row.body) as { type: string; data: { requestId?: unknown } };
      if (!REQUEST_TYPES.has(ev.type) || ev.data.requestId !== requestId) continue;
      found.push(row.seq);
      if (ev.type === 'access.requested') return found;
    }
  }
  return found;
}

function withheldReason(body: string): string | null {
  const ev = JSON.parse(body) as { type: string; data: { party?: unknown } };
  if (ev.type === 'clip.labelled' && ev.data.party !== null && ev.data.party !== undefined)
    return 'personal data (R11): the label names a party';
  return null;
}

/**
 * The events an export carries: genesis (the dock's public key, the trust anchor), every event of
 * the exported clips, and the access request and decision it rests on; each with its prevHash.
 */
export function packageEvents(
  ledger: Ledger,
  clipIds: readonly string[],
  requestId: string,
): PackageEventLine[] {
  const bySeq = new Map<number, EventRow>();
  for (const row of ledger.accessQueries.eventsForClips(clipIds)) bySeq.set(row.seq, row);
  for (const row of ledger.accessQueries.eventsBySeq([1, ...requestEventSeqs(ledger, requestId)]))
    bySeq.set(row.seq, row);
  const missingPrev = [...bySeq.keys()].filter((s) => s > 1 && !bySeq.has(s - 1)).map((s) => s - 1);
  const prevRows = new Map(ledger.accessQueries.eventsBySeq(missingPrev).map((r) => [r.seq, r.hash]));
  const prevHashOf = (seq: number): string => {
    if (seq === 1) return GENESIS_PREV_HASH;
    const prev = bySeq.get(seq - 1)?.hash ?? prevRows.get(seq - 1);
    if (prev === undefined)
      throw new LedgerStateError(
        `the ledger has no event ${seq - 1} before event ${seq}, so it was altered: run 'dockctl verify'`,
      );
    return prev;
  };
  return [...bySeq.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((row) => {
      const withheld = withheldReason(row.body);
      const line = { seq: row.seq, prevHash: prevHashOf(row.seq), hash: row.hash };
      return withheld === null ? { ...line, body: row.body } : { ...line, body: null, withheld };
    });
}

/** The JSON Lines text of the events file. */
export function eventLinesText(lines: readonly PackageEventLine[]): string {
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}
