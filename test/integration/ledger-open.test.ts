import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ledgerFile, openLedgerDatabase } from '../../agent/ledger/database.ts';
import {
  DockKeyError,
  LedgerForeignError,
  LedgerLostError,
  LedgerTooNewError,
} from '../../agent/ledger/errors.ts';
import { LEDGER_APPLICATION_ID, latestSchemaVersion } from '../../agent/ledger/migrations.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

function sqlite(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
}

describe('opening the ledger', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  const clock = new FakeClock();

  beforeEach(() => {
    ({ paths, cleanup } = tempState());
  });
  afterEach(() => cleanup());

  async function createAndClose(): Promise<{ dockId: string; head: number }> {
    const ledger = await openTestLedger(paths, clock);
    ledger.registerRecorder({ serial: 'R1' });
    const result = { dockId: ledger.dockId, head: ledger.head().seq };
    ledger.close();
    return result;
  }

  it('creates a WAL database with synchronous=FULL, our application_id and the schema version', async () => {
    await createAndClose();
    const file = ledgerFile(paths);
    assert.equal(sqlite(file, 'PRAGMA journal_mode;'), 'wal');
    assert.equal(Number(sqlite(file, 'PRAGMA application_id;')), LEDGER_APPLICATION_ID);
    assert.equal(Number(sqlite(file, 'PRAGMA user_version;')), latestSchemaVersion());
    const db = openLedgerDatabase(file);
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL');
    db.close();
  });

  it('reopens with the same dock and history', async () => {
    const before = await createAndClose();
    const ledger = await openTestLedger(paths, clock);
    assert.equal(ledger.dockId, before.dockId);
    assert.equal(ledger.head().seq, before.head);
    ledger.close();
  });

  it('refuses a ledger from a newer build and leaves it untouched', async () => {
    await createAndClose();
    const file = ledgerFile(paths);
    const newer = latestSchemaVersion() + 1;
    sqlite(file, `PRAGMA user_version = ${newer};`);
    const events = sqlite(file, 'SELECT count(*) FROM events;');
    await assert.rejects(openTestLedger(paths, clock), (err: unknown) => {
      assert.ok(err instanceof LedgerTooNewError);
      assert.match(
        err.message,
        new RegExp(
          `schema ${newer}, this build knows ${latestSchemaVersion()}.*install the newer version or restore a backup`,
        ),
      );
      return true;
    });
    assert.equal(sqlite(file, 'PRAGMA user_version;'), String(newer));
    assert.equal(sqlite(file, 'SELECT count(*) FROM events;'), events);
  });

  it("refuses another application's database and a file that is not SQLite", async () => {
    const file = ledgerFile(paths);
    const other = new Database(file);
    other.exec('CREATE TABLE notes (x TEXT)');
    other.close();
    await assert.rejects(openTestLedger(paths, clock), LedgerForeignError);
    rmSync(file);
    writeFileSync(
      file,
      'this is a text file, long enough to have a header of sorts...........................................',
    );
    await assert.rejects(openTestLedger(paths, clock), /not an SQLite database/);
  });

  it('refuses to start afresh when the ledger is gone or empty but the dock key remains', async () => {
    await createAndClose();
    const file = ledgerFile(paths);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    await assert.rejects(openTestLedger(paths, clock), LedgerLostError);
    writeFileSync(file, '');
    await assert.rejects(openTestLedger(paths, clock), LedgerLostError);
  });

  it('refuses a key that is not the ledger key, and a missing key', async () => {
    await createAndClose();
    const keyFile = path.join(paths.stateDir, 'dock-key.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await assert.rejects(
      openTestLedger(paths, clock),
      (err: unknown) => err instanceof DockKeyError && /is not the key of this ledger/.test(err.message),
    );
    rmSync(keyFile);
    await assert.rejects(
      openTestLedger(paths, clock),
      (err: unknown) => err instanceof DockKeyError && /is missing/.test(err.message),
    );
  });

  it('refuses a ledger whose dock record was removed instead of starting a new chain', async () => {
    await createAndClose();
    const file = ledgerFile(paths);
    sqlite(file, 'DELETE FROM dock;');
    await assert.rejects(openTestLedger(paths, clock), /holds events but no dock record/);
    assert.equal(sqlite(file, "SELECT count(*) FROM events WHERE type = 'dock.created';"), '1');
  });

  it('tightens a private key readable by others back to 0600', async () => {
    await createAndClose();
    const keyFile = path.join(paths.stateDir, 'dock-key.pem');
    chmodSync(keyFile, 0o644);
    const ledger = await openTestLedger(paths, clock);
    ledger.close();
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  });
});
