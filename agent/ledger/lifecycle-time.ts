import { LedgerStateError } from './errors.ts';

/**
 * Milliseconds of an ISO time in a lifecycle event, or null. Not projection.ts's own: projection.ts
 * imports the lifecycle appliers, and a cycle would leave one half undefined at load.
 */
export function msOf(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new LedgerStateError(`the time '${iso}' in a lifecycle event is not valid`);
  return ms;
}

/** Milliseconds of a required ISO time in a lifecycle event. */
export function msAt(iso: string): number {
  return msOf(iso) as number;
}
