import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LedgerEvent } from '../event-types.ts';
import { applyMigrations, latestSchemaVersion, loadMigrations } from '../migrations.ts';
import { applyEvent } from '../projection.ts';
import { short } from './verify-chain.ts';
import type { FindingCollector, VerifyProgress } from './verify-report.ts';

/**
 * A scratch database the events are replayed into. Because the tables are a projection of the
 * events, the replayed tables must equal the ledger's; any difference is an edit made outside the
 * ledger (for example with the sqlite3 CLI).
 */
export class ReplayDatabase {
  private readonly db: Database.Database;
  private readonly applyOne: (event: LedgerEvent) => void;

  private constructor(
    private readonly dir: string,
    readonly file: string,
  ) {
    this.db = new Database(file);
    // Scratch data, rebuilt on every run: durability would only slow it down.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    const migrations = loadMigrations();
    applyMigrations(this.db, migrations, latestSchemaVersion(migrations));
    this.db.pragma('foreign_keys = ON');
    this.applyOne = this.db.transaction((event: LedgerEvent) => applyEvent(this.db, event));
    this.db.exec('BEGIN');
  }

  /** Create an empty replay database in a new folder under `scratchDir`. */
  static create(scratchDir: string): ReplayDatabase {
    const dir = mkdtempSync(path.join(scratchDir, 'recorder-dock-verify-'));
    return new ReplayDatabase(dir, path.join(dir, 'replay.db'));
  }

  /** Apply one event; an event that does not fit the state so far is a finding, not a crash. */
  apply(event: LedgerEvent, findings: FindingCollector): void {
    try {
      this.applyOne(event);
    } catch (err) {
      findings.add(
        event.seq,
        'replay-failed',
        `event ${event.seq} (${event.type}) does not fit the events before it: ${(err as Error).message}`,
      );
    }
  }

  /** Commit and close; the file stays for comparison until `remove`. */
  finish(): void {
    this.db.exec('COMMIT');
    this.db.close();
  }

  /** Delete the scratch folder. */
  remove(): void {
    if (this.db.open) this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The projected tables, their key and the column naming the event that last changed a row. */
const TABLES = [
  { name: 'dock', key: 'id', seq: 'last_seq' },
  { name: 'recorders', key: 'serial', seq: 'last_seq' },
  { name: 'officers', key: 'officer_no', seq: 'last_seq' },
  { name: 'sessions', key: 'id', seq: 'last_seq' },
  { name: 'clips', key: 'id', seq: 'seal_seq' },
  { name: 'assignments', key: 'id', seq: 'last_seq' },
  { name: 'faults', key: 'id', seq: 'last_seq' },
  { name: 'alerts', key: 'id', seq: 'last_seq' },
  { name: 'session_steps', key: 'seq', seq: 'seq' },
  { name: 'clip_timing', key: 'clip_id', seq: 'seq' },
  { name: 'wiped_files', key: 'clip_id', seq: 'seq' },
  { name: 'gap_explanations', key: 'alert_id', seq: 'seq' },
  { name: 'accounts', key: 'username', seq: 'last_seq' },
  { name: 'clip_labels', key: 'clip_id', seq: 'last_seq' },
  { name: 'access_requests', key: 'id', seq: 'last_seq' },
  { name: 'access_log', key: 'seq', seq: 'seq' },
  { name: 'exports', key: 'id', seq: 'last_seq' },
  { name: 'clip_checks', key: 'clip_id', seq: 'last_seq' },
  { name: 'recorder_bindings', key: 'serial', seq: 'last_seq' },
  { name: 'alert_facts', key: 'alert_id', seq: 'seq' },
  { name: 'clip_sources', key: 'clip_id', seq: 'seq' },
  { name: 'wipe_intents', key: 'clip_id', seq: 'seq' },
  { name: 'unreadable_files', key: 'file_key', seq: 'seq' },
  { name: 'account_confirmations', key: 'seq', seq: 'seq' },
  { name: 'gap_drafts', key: 'alert_id', seq: 'draft_seq' },
  { name: 'gap_signatures', key: 'seq', seq: 'seq' },
  { name: 'gap_acknowledgements', key: 'alert_id', seq: 'seq' },
  { name: 'offsite_copies', key: 'id', seq: 'last_seq' },
  { name: 'worm_probes', key: 'seq', seq: 'seq' },
  { name: 'closed_cases', key: 'case_no', seq: 'last_seq' },
  { name: 'clip_values', key: 'clip_id', seq: 'last_seq' },
  { name: 'holds', key: 'id', seq: 'last_seq' },
  { name: 'purges', key: 'id', seq: 'last_seq' },
  { name: 'purge_clips', key: 'clip_id', seq: 'seq' },
  { name: 'purge_deletions', key: 'id', seq: 'last_seq' },
  { name: 'evictions', key: 'sha256', seq: 'last_seq' },
] as const;

/** Columns holding personal data or free text: differences are named, values not shown (R11). */
const UNSHOWN = new Set([
  'officers.name',
  'faults.description',
  'alerts.detail',
  'alerts.note',
  'gap_explanations.text',
  'gap_drafts.text',
  'clip_labels.party',
  'access_requests.reason',
  'access_requests.decision_note',
  'access_log.reason',
  'holds.case_name',
  'holds.lift_reason',
  'purges.reason',
  'closed_cases.note',
]);

type Row = Record<string, unknown>;

function columnsOf(db: Database.Database, schema: string, table: string): string[] {
  return (
    db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as { name: string }[]
  ).map((r) => r.name);
}

/**
 * Compare every projected table of the ledger (`main`) with the replay (attached as `replay`),
 * both ways, reporting each differing, missing or extra row with the event it concerns.
 */
export function compareTables(
  db: Database.Database,
  findings: FindingCollector,
  onProgress?: (p: VerifyProgress) => void,
): void {
  TABLES.forEach((t, i) => {
    const mine = columnsOf(db, 'main', t.name);
    if (mine.length > 0) compareTable(db, t, mine, findings);
    onProgress?.({ stage: 'tables', done: i + 1, total: TABLES.length });
  });
}

function compareTable(
  db: Database.Database,
  t: (typeof TABLES)[number],
  mine: string[],
  findings: FindingCollector,
): void {
  const theirs = new Set(columnsOf(db, 'replay', t.name));
  const cols = mine.filter((c) => theirs.has(c));
  const same = cols.map((c) => `m."${c}" IS r."${c}"`).join(' AND ');
  const differing = db
    .prepare(
      `SELECT r."${t.key}" AS k FROM replay."${t.name}" r LEFT JOIN main."${t.name}" m ON m."${t.key}" = r."${t.key}"
       WHERE m."${t.key}" IS NULL OR NOT (${same})`,
    )
    .pluck();
  const getMain = db.prepare(`SELECT * FROM main."${t.name}" WHERE "${t.key}" = ?`);
  const getReplay = db.prepare(`SELECT * FROM replay."${t.name}" WHERE "${t.key}" = ?`);
  for (const key of differing.all() as unknown[]) {
    const truth = getReplay.get(key) as Row;
    const seq = truth[t.seq] as number;
    const actual = getMain.get(key) as Row | undefined;
    if (!actual) {
      findings.add(
        seq,
        'table-row-missing',
        `${t.name} row ${String(key)} (event ${seq}) is missing from the table: deleted outside the ledger`,
        String(key),
      );
      continue;
    }
    const diffs = cols
      .filter((c) => actual[c] !== truth[c])
      .map((c) => describeDiff(t.name, c, actual[c], truth[c]));
    findings.add(
      seq,
      'table-mismatch',
      `${t.name} row ${String(key)} (event ${seq}) differs from its events: ${diffs.join('; ')}`,
      String(key),
    );
  }
  const extra = db.prepare(
    `SELECT m."${t.key}" AS k, m."${t.seq}" AS s FROM main."${t.name}" m
     WHERE NOT EXISTS (SELECT 1 FROM replay."${t.name}" r WHERE r."${t.key}" = m."${t.key}")`,
  );
  for (const row of extra.all() as { k: unknown; s: number | null }[]) {
    findings.add(
      row.s,
      'table-row-unsealed',
      `${t.name} row ${String(row.k)} has no event behind it (it names event ${row.s}): added outside the ledger, or its event was deleted`,
      String(row.k),
    );
  }
}

function describeDiff(table: string, column: string, actual: unknown, truth: unknown): string {
  if (UNSHOWN.has(`${table}.${column}`)) return `${column} was changed`;
  return `${column} is ${show(actual)} in the table but ${show(truth)} in the events`;
}

function show(v: unknown): string {
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return short(v);
  return JSON.stringify(v);
}
