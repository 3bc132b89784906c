import type { Ledger } from '../ledger/ledger.ts';
import { UsageError } from './cli-options.ts';

/** How many characters of an id the tables show as its handle (what a person types back). */
export const HANDLE_LENGTH = 8;

/** The short handle of a long id (a clip, hold, purge, alert or session), as the tables show it. */
export function handle(id: string): string {
  return id.slice(0, HANDLE_LENGTH);
}

/** The tables whose ids a person may type back by their handle. */
export type HandleTable = 'clips' | 'holds' | 'purges' | 'alerts' | 'sessions' | 'access_requests';

/**
 * The full id a person typed: the id itself, or a handle (at least 4 characters) that starts
 * exactly one id in `table`. An ambiguous handle is refused in one sentence; an unknown one is
 * returned as typed, so the command reports it missing in its own words.
 */
export function resolveHandle(ledger: Ledger, table: HandleTable, typed: string): string {
  const db = ledger.readHandle;
  if (typed.length < 4 || db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(typed)) return typed;
  // A range over the primary key: ids are hex digits and dashes, all below '~'.
  const start = typed.toLowerCase();
  const ids = db
    .prepare(`SELECT id FROM ${table} WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`)
    .all(start, `${start}~`) as { id: string }[];
  if (ids.length > 1) throw new UsageError({ key: `cli.handle.ambiguous.${table}`, params: { typed } });
  return ids[0]?.id ?? typed;
}
