import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CHECKPOINT_FORMAT_VERSION, signCheckpoint } from '../../agent/ledger/checkpoint.ts';
import { ledgerBackupDir, ledgerFile } from '../../agent/ledger/database.ts';
import { createDockKey } from '../../agent/ledger/dock-key.ts';
import { EventLog } from '../../agent/ledger/event-chain.ts';
import {
  applyMigrations,
  LEDGER_APPLICATION_ID,
  latestSchemaVersion,
  loadMigrations,
} from '../../agent/ledger/migrations.ts';
import { clipIdFor } from '../../agent/ledger/session-writes.ts';
import { vaultRelPathFor } from '../../agent/ledger/vault-path.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { FakeClock, openTestLedger, publishToVault, tempState } from '../fixtures/ledger/ledger-fixture.ts';

const DOCK = '00000000-0000-4000-8000-000000000001';

/**
 * Write a ledger as a build that knew only schema `version` would have: tables up to that
 * version, events appended through the chain, a signed checkpoint, and real vault files.
 */
async function buildOldLedger(
  paths: DockPaths,
  version: number,
  clock: FakeClock,
): Promise<Record<string, number>> {
  mkdirSync(paths.stateDir, { recursive: true });
  const key = await createDockKey(paths.stateDir, silentLogger());
  const db = new Database(ledgerFile(paths));
  db.pragma('journal_mode = WAL');
  applyMigrations(db, loadMigrations(), version);
  const log = new EventLog(db, DOCK);
  const iso = () => clock.now().toISOString();
  const { sha256 } = await publishToVault(paths, randomBytes(500));
  db.transaction(() => {
    log.append(
      'dock.created',
      { dockId: DOCK, publicKey: key.publicKeyB64, keyId: key.keyId, createdAt: iso() },
      clock.now(),
    );
    log.append(
      'recorder.registered',
      { serial: 'OLD1', model: 'M', vendor: 'V', fingerprint: null, status: 'in_service' },
      clock.now(),
    );
    log.append('officer.registered', { officerNo: '42', name: '王五', unit: 'U', certNo: 'C' }, clock.now());
    log.append(
      'session.started',
      {
        sessionId: 'S1',
        serial: 'OLD1',
        officerNo: '42',
        startedAt: iso(),
        clockSkewMs: -5,
        batteryPct: 50,
        freeBytes: 9,
        totalBytes: 10,
      },
      clock.now(),
    );
    log.append(
      'clip.sealed',
      {
        clipId: clipIdFor(DOCK, 'OLD1', '/DCIM/1.MP4', sha256),
        sessionId: 'S1',
        serial: 'OLD1',
        sourcePath: '/DCIM/1.MP4',
        size: 500,
        sha256,
        prefixDigests: [],
        verifiedBy: 'o-direct',
        sealedAt: iso(),
        recordingStart: null,
        recordingEnd: null,
        durationMs: null,
        flags: [],
        vault: vaultRelPathFor(sha256),
      },
      clock.now(),
    );
    log.append(
      'session.finished',
      { sessionId: 'S1', finishedAt: iso(), outcome: 'complete', batteryPct: 49, freeBytes: 8 },
      clock.now(),
    );
    if (version >= 2) {
      log.append(
        'recorder.checked_out',
        {
          assignmentId: 'A1',
          serial: 'OLD1',
          officerNo: '42',
          checkedOutAt: iso(),
          batteryPct: 100,
          freeBytes: 10,
        },
        clock.now(),
      );
      log.append(
        'recorder.checked_in',
        { assignmentId: 'A1', serial: 'OLD1', checkedInAt: iso(), batteryPct: 60, freeBytes: 5 },
        clock.now(),
      );
      log.append(
        'alert.opened',
        {
          alertId: 'AL1',
          kind: 'late-clip',
          severity: 'warning',
          subject: 'clip:x',
          detail: null,
          openedAt: iso(),
        },
        clock.now(),
      );
    }
    const head = log.head();
    const cp = signCheckpoint(
      { v: CHECKPOINT_FORMAT_VERSION, dock: DOCK, seq: head.seq, head: head.hash, at: iso(), key: key.keyId },
      key.privateKey,
    );
    db.prepare('INSERT INTO checkpoints (seq, head, at, key_id, sig) VALUES (?, ?, ?, ?, ?)').run(
      cp.seq,
      cp.head,
      cp.at,
      cp.key,
      cp.sig,
    );
  })();
  const counts = countRows(db);
  db.close();
  return counts;
}

function countRows(db: Database.Database): Record<string, number> {
  const tables = [
    'events',
    'checkpoints',
    'dock',
    'recorders',
    'officers',
    'sessions',
    'clips',
    'assignments',
    'alerts',
  ];
  const present = new Set(
    (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const out: Record<string, number> = {};
  for (const t of tables)
    if (present.has(t)) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return out;
}

describe('schema migrations', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;

  beforeEach(() => {
    ({ paths, cleanup } = tempState('ledger-migrate-'));
    clock = new FakeClock();
  });
  afterEach(() => cleanup());

  it('are numbered without gaps from 1', () => {
    assert.deepEqual(
      loadMigrations().map((m) => m.version),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(latestSchemaVersion(), 8);
  });

  it('build the latest schema from empty, with no backup (nothing to back up)', async () => {
    const ledger = await openTestLedger(paths, clock);
    ledger.close();
    const db = new Database(ledgerFile(paths), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.equal(db.pragma('application_id', { simple: true }), LEDGER_APPLICATION_ID);
    db.close();
    assert.deepEqual(readdirSync(paths.stateDir).includes('backups'), false);
  });

  for (const version of [1, 2, 4]) {
    it(`migrate a schema ${version} ledger, keeping its data, after a backup copy`, async () => {
      const before = await buildOldLedger(paths, version, clock);
      clock.advance(60_000);
      const ledger = await openTestLedger(paths, clock);
      ledger.close();

      const db = new Database(ledgerFile(paths), { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
      const after = countRows(db);
      db.close();
      for (const [table, n] of Object.entries(before)) assert.equal(after[table], n, `${table} rows kept`);

      const backups = readdirSync(ledgerBackupDir(paths));
      assert.equal(backups.length, 1);
      const copy = new Database(path.join(ledgerBackupDir(paths), backups[0] as string), { readonly: true });
      assert.equal(
        copy.pragma('user_version', { simple: true }),
        version,
        'the backup is the pre-migration ledger',
      );
      assert.deepEqual(countRows(copy), before);
      copy.close();

      const report = await verifyLedger({ paths, files: true });
      assert.deepEqual(report.findings, []);

      const reopened = await openTestLedger(paths, clock);
      assert.equal(reopened.find.recorder('OLD1')?.model, 'M');
      assert.equal(reopened.find.session('S1')?.clockSkewMs, -5);
      reopened.checkOut({ serial: 'OLD1', officerNo: '42' });
      assert.equal(
        reopened.queries.recorderUsage('OLD1', { from: new Date(0), to: new Date(clock.now().getTime() + 1) })
          .totals.clips,
        1,
      );
      reopened.close();
      assert.equal((await verifyLedger({ paths })).ok, true, 'the chain continues across the migration');
    });
  }
});
