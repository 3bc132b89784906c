import type { Database } from 'better-sqlite3';
import { cachedStatement } from './statement-cache.ts';

/** Why a forwarding epoch began (agent/forwarder/README.md). */
export type EpochReason =
  | 'first-start'
  | 'state-missing'
  | 'state-unreadable'
  | 'other-ledger'
  | 'ledger-file-changed'
  | 'ledger-rolled-back'
  | 'key-conflict';

/** One forwarding epoch: a continuous life of this ledger file as the central store saw it. */
export interface ForwardEpoch {
  readonly epoch: string;
  readonly startedAt: Date;
  readonly reason: EpochReason;
  /** "<st_dev>:<st_ino>:<birth ms>" of the ledger file when the epoch began. */
  readonly fileIdentity: string;
}

/** The current epoch (the newest), or null when none was started (or the schema predates them). */
export function currentEpoch(db: Database): ForwardEpoch | null {
  const hasTable = cachedStatement(
    db,
    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'forward_epochs'",
  ).get();
  if (!hasTable) return null;
  const row = cachedStatement(db, 'SELECT * FROM forward_epochs ORDER BY n DESC LIMIT 1').get() as
    | { epoch: string; started_at: number; reason: EpochReason; file_identity: string }
    | undefined;
  if (!row) return null;
  return {
    epoch: row.epoch,
    startedAt: new Date(row.started_at),
    reason: row.reason,
    fileIdentity: row.file_identity,
  };
}

/** Record a new current epoch. */
export function beginEpoch(db: Database, epoch: ForwardEpoch): void {
  cachedStatement(
    db,
    'INSERT INTO forward_epochs (epoch, started_at, reason, file_identity) VALUES (?, ?, ?, ?)',
  ).run(epoch.epoch, epoch.startedAt.getTime(), epoch.reason, epoch.fileIdentity);
}
