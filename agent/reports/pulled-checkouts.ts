/**
 * A recorder back in the dock within this many minutes of leaving it, having recorded nothing,
 * was pulled out of a docking and docked again, not taken out for use: the ledger table and the
 * inventory do not count that check-out as a 领用 of its own.
 */
export const PULLED_MINUTES = 10;
