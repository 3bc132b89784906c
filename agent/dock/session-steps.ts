/**
 * The steps of a dock session, each a `session.step` event in the ledger and a label on the page
 * (a map typed `Record<SessionStep, …>` fails type-checking when one is missing). In the order a
 * docking usually passes them.
 */
export const SESSION_STEPS = [
  'detected',
  'held',
  'identified',
  'clock-read',
  'checked-in',
  'officer-written',
  'officer-write-failed',
  'clock-synced',
  'mass-storage',
  'mounted',
  'wipes-reconciled',
  'listed',
  'ingesting',
  'wipes-refused',
  'storage-read',
  'finished',
  'ended-early',
  'released',
] as const;

/** Name of a dock session step. */
export type SessionStep = (typeof SESSION_STEPS)[number];
