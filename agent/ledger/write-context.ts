import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { EventLog } from './event-chain.ts';

/** What the ledger's write operations share. They run inside a transaction opened by Ledger. */
export interface WriteContext {
  readonly db: Database;
  readonly events: EventLog;
  readonly dockId: string;
  readonly now: () => Date;
  /** Ids for sessions, assignments, faults and alerts (random UUIDs unless a test injects its own). */
  readonly newId: () => string;
  readonly vaultDir: string;
  /** R8: a fault must be reported within this many hours of being observed. */
  readonly faultDeadlineHours: number;
  readonly logger: Logger;
}
