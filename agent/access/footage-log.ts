import type { Ledger } from '../ledger/ledger.ts';

/** One fetch of a clip's footage by a user, and what it rests on. */
export interface FootageFetch {
  readonly username: string;
  readonly clipId: string;
  /** The approval the access rests on; null for one's own footage. */
  readonly requestId: string | null;
  /** When the login began (the window of one's own footage). */
  readonly loginStartedAt: Date;
}

/**
 * Write the `view` line of the access log (查询台账, R6) for a fetch of footage bytes, once per
 * window: the approval's window (from its decision) when the view rests on one, else the login.
 * Every byte range counts, wherever it starts, so seeking or a ranged fetch cannot view
 * unlogged. Checked and written in one transaction, so parallel ranges log one line. Returns
 * whether a line was written.
 */
export function logFootageView(ledger: Ledger, fetch: FootageFetch): boolean {
  const target = `clip:${fetch.clipId}`;
  const approval = fetch.requestId ? ledger.accessQueries.accessRequest(fetch.requestId) : null;
  const since = approval?.decidedAt ?? fetch.loginStartedAt;
  return ledger.transaction(() => {
    if (ledger.accessQueries.accessLogged(fetch.username, 'view', target, fetch.requestId, since))
      return false;
    ledger.access.log({ username: fetch.username, action: 'view', target, requestId: fetch.requestId });
    return true;
  });
}
