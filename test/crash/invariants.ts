/** The invariants a trial is judged by, in the order the campaign's table lists them. */
export const INVARIANTS = [
  'lost',
  'sealed-twice',
  'unsealed-delete',
  'verify-files',
  'delivered',
  'delivered-once',
  'session-complete',
  'staging-empty',
  'no-crash',
  'fault-flagged',
  'service-user',
] as const;

/** One invariant's name. */
export type Invariant = (typeof INVARIANTS)[number];

/** What each invariant demands, for the table and the README. */
export const INVARIANT_TEXT: Record<Invariant, string> = {
  lost: 'every planted recording is in the vault under its SHA-256, or still on its recorder untouched',
  'sealed-twice': 'no recording (recorder, bytes) has more than one clip.sealed event',
  'unsealed-delete': 'nothing left a recorder without a seal of the same bytes at the same path',
  'verify-files': '`dockctl verify --files` (the real CLI, reading the trial config) exits 0',
  delivered:
    'every outbox record the forwarder acknowledged is in the central store, with the content the ledger gave it',
  'delivered-once': 'no record is stored in two batch objects of the central store (no duplicate delivery)',
  'session-complete':
    'after a clean restart and re-dock every session is complete (partial only for an unreadable file) and every readable recording is sealed',
  'staging-empty': 'nothing is left in vault/.staging after a complete docking',
  'no-crash': 'dockd never died or hung unless the trial stopped it',
  'fault-flagged':
    'an unreadable, truncated or growing file raises an alert naming it; a truncated one is flagged damaged and kept on the recorder',
  'service-user':
    'dockd ran as the service user with no capabilities, and everything it wrote is that user’s',
};

/** A broken invariant in one trial. */
export interface Finding {
  readonly invariant: Invariant;
  readonly detail: string;
}
