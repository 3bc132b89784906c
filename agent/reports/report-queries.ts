import type { Database } from 'better-sqlite3';

/** The reports' read-only questions to the ledger (R7 台账, R8 inventory and handover, R12 statistics). */
export class ReportQueries {
  constructor(readonly db: Database) {}
}
