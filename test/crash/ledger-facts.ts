import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';

/** A seal as the ledger holds it. */
export interface SealFact {
  readonly clipId: string;
  readonly sessionId: string;
  readonly serial: string;
  readonly sourcePath: string;
  readonly sha256: string;
  readonly size: number;
  readonly flags: readonly string[];
}

/** What the checker reads from a trial's ledger after its last clean stop. */
export interface LedgerFacts {
  readonly seals: readonly SealFact[];
  /** `clip.sealed` events: (serial, digest) of each, in order. */
  readonly sealEvents: readonly { readonly serial: string; readonly sha256: string; readonly seq: number }[];
  readonly wiped: readonly {
    readonly serial: string;
    readonly sourcePath: string;
    readonly sha256: string;
  }[];
  readonly sessions: readonly {
    readonly id: string;
    readonly serial: string;
    readonly startedAt: number;
    readonly outcome: string | null;
  }[];
  readonly outbox: readonly { readonly id: number; readonly recordId: string; readonly kind: string }[];
  readonly alerts: readonly {
    readonly kind: string;
    readonly subject: string;
    readonly detail: string | null;
  }[];
}

/**
 * Read the facts from a copy of the ledger (taken into `scratchDir`), so that opening it never
 * leaves a root-owned -shm or -wal file in the service user's state folder.
 */
export async function readLedgerFacts(ledgerFile: string, scratchDir: string): Promise<LedgerFacts> {
  const copy = path.join(scratchDir, 'ledger-copy.db');
  await copyFile(ledgerFile, copy);
  if (await stat(`${ledgerFile}-wal`).catch(() => null)) await copyFile(`${ledgerFile}-wal`, `${copy}-wal`);
  const db = new Database(copy);
  try {
    const all = <T>(sql: string) => db.prepare(sql).all() as T[];
    return {
      seals: all<{
        id: string;
        sessionId: string;
        serial: string;
        sourcePath: string;
        sha256: string;
        size: number;
        flags: string;
      }>(
        'SELECT id, session_id AS sessionId, recorder_serial AS serial, source_path AS sourcePath, sha256, size, flags FROM clips',
      ).map((r) => ({ ...r, clipId: r.id, flags: JSON.parse(r.flags) as string[] })),
      sealEvents: all<{ seq: number; body: string }>(
        "SELECT seq, body FROM events WHERE type = 'clip.sealed' ORDER BY seq",
      ).map((r) => {
        const data = (JSON.parse(r.body) as { data: { serial: string; sha256: string } }).data;
        return { serial: data.serial, sha256: data.sha256, seq: r.seq };
      }),
      wiped: all('SELECT recorder_serial AS serial, source_path AS sourcePath, sha256 FROM wiped_files'),
      sessions: all(
        'SELECT id, recorder_serial AS serial, started_at AS startedAt, outcome FROM sessions ORDER BY started_at, rowid',
      ),
      outbox: all('SELECT id, record_id AS recordId, kind FROM outbox ORDER BY id'),
      alerts: all('SELECT kind, subject, detail FROM alerts'),
    };
  } finally {
    db.close();
  }
}
