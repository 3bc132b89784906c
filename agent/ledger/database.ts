import path from 'node:path';
import Database from 'better-sqlite3';
import { errnoCode } from '../errors.ts';
import type { DockPaths } from '../paths.ts';
import { LedgerForeignError, LedgerTooNewError, LedgerUnavailableError } from './errors.ts';
import { LEDGER_APPLICATION_ID, latestSchemaVersion, schemaVersion } from './migrations.ts';

/** The ledger database file of a dock. */
export function ledgerFile(paths: DockPaths): string {
  return path.join(paths.stateDir, 'ledger.db');
}

/** Where copies taken before a migration go. */
export function ledgerBackupDir(paths: DockPaths): string {
  return path.join(paths.stateDir, 'backups');
}

/** How to open the ledger database. */
export interface OpenDatabaseOptions {
  /** Read-only (verify, reports): the file must exist and is never migrated. */
  readonly readonly?: boolean;
  /** Schema version this build knows; default from schemas/sql/. */
  readonly latest?: number;
}

/**
 * Open the ledger file and check it is ours: an SQLite database with our application_id (or a
 * new, empty one) and a schema this build knows. Read-write connections get WAL with
 * synchronous=FULL, so a committed event survives a power cut.
 */
export function openLedgerDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (err) {
    throw new LedgerUnavailableError(file, describeOpenError(err), err);
  }
  try {
    checkIdentity(db, file, options);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    // 32 MiB of page cache: the digest and id indexes of a large ledger are random-access.
    db.pragma('cache_size = -32768');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function checkIdentity(db: Database.Database, file: string, options: OpenDatabaseOptions): void {
  let appId: number;
  let version: number;
  let tables: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    version = schemaVersion(db);
    tables = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB')
      throw new LedgerForeignError(file, 'not an SQLite database', err);
    throw new LedgerUnavailableError(file, describeOpenError(err), err);
  }
  if (appId !== 0 && appId !== LEDGER_APPLICATION_ID) {
    throw new LedgerForeignError(file, `application_id ${appId}`);
  }
  if (appId === 0 && tables > 0)
    throw new LedgerForeignError(file, 'an SQLite database of another application');
  const latest = options.latest ?? latestSchemaVersion();
  if (version > latest) throw new LedgerTooNewError(file, version, latest);
  if (options.readonly && version === 0) throw new LedgerForeignError(file, 'an empty database');
}

function describeOpenError(err: unknown): string {
  const code = errnoCode(err);
  if (code === 'SQLITE_CANTOPEN')
    return 'it does not exist or its folder is not accessible; check --state and permissions';
  if (code === 'SQLITE_PERM' || code === 'EACCES') return 'permission denied; run as the service user';
  if (code === 'SQLITE_BUSY') return 'it is locked by another process; try again';
  return `${(err as Error).message}; check the file and its folder`;
}
