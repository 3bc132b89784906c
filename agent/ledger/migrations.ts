import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { fsyncDir, mkdirDurable } from '../fs/durable-write.ts';
import { LedgerTooNewError } from './errors.ts';

/** SQLite `application_id` of a recorder-dock ledger: ASCII "RDCK". */
export const LEDGER_APPLICATION_ID = 0x5244434b;

/** One numbered SQL file from schemas/sql/ (`NNN-name.sql`); applying it yields schema `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** What a migration run did. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  /** The copy taken before migrating, or null when nothing needed migrating or the ledger was new. */
  readonly backup: string | null;
}

/** The folder holding the numbered SQL migrations. */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../schemas/sql/', import.meta.url));
}

/** Load the migrations in order. They must be numbered 1, 2, 3 … without gaps. */
export function loadMigrations(dir = defaultMigrationsDir()): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  return files.map((file, i) => {
    const version = Number(file.slice(0, 3));
    if (version !== i + 1) throw new Error(`schemas/sql: expected migration ${i + 1}, found ${file}`);
    return { version, name: file.slice(4, -4), sql: readFileSync(path.join(dir, file), 'utf8') };
  });
}

/** The schema version this build creates and understands. */
export function latestSchemaVersion(migrations: readonly Migration[] = loadMigrations()): number {
  return migrations.length;
}

/** The database's schema version (`PRAGMA user_version`). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Apply migrations after the current version up to `target`, each in its own transaction that also
 * sets `user_version` (and `application_id`), so a crash leaves the database at a whole version.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[], target: number): void {
  for (const m of migrations) {
    if (m.version <= schemaVersion(db) || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/** Options of `migrateLedger`. */
export interface MigrateOptions {
  readonly file: string;
  readonly backupDir: string;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly migrations?: readonly Migration[];
  /** Stop at this version (tests build older ledgers with it); default the latest. */
  readonly target?: number;
}

/**
 * Bring the ledger to the target schema. A ledger that already holds a schema is first copied to
 * `backupDir` (a consistent snapshot, fsynced). A ledger newer than this build is refused.
 */
export async function migrateLedger(db: Database, opts: MigrateOptions): Promise<MigrationResult> {
  const migrations = opts.migrations ?? loadMigrations();
  const latest = latestSchemaVersion(migrations);
  const target = opts.target ?? latest;
  const from = schemaVersion(db);
  if (from > latest) throw new LedgerTooNewError(opts.file, from, latest);
  if (from >= target) return { from, to: from, backup: null };
  const backup = from > 0 ? await backupLedger(db, from, opts) : null;
  applyMigrations(db, migrations, target);
  opts.logger.info({ from, to: target, backup }, 'ledger schema migrated');
  return { from, to: target, backup };
}

async function backupLedger(db: Database, version: number, opts: MigrateOptions): Promise<string> {
  await mkdirDurable(opts.backupDir);
  const stamp = opts
    .now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = path.join(opts.backupDir, `ledger-schema${version}-${stamp}`);
  let target = `${base}.db`;
  for (let n = 2; existsSync(target); n++) target = `${base}-${n}.db`;
  db.prepare('VACUUM INTO ?').run(target);
  const fd = openSync(target, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await fsyncDir(opts.backupDir);
  return target;
}
