import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createTarget } from '../../agent/forwarder/create-target.ts';
import { forwardStateFile } from '../../agent/forwarder/forward-state.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import { ledgerFile } from '../../agent/ledger/database.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { recordingSleep, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox, outboxHead } from '../fixtures/forwarder/outbox-fill.ts';
import { TestReceiver } from '../fixtures/forwarder/receiver.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

describe('forwarding epochs', () => {
  let dir: string;
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let receiver: TestReceiver;
  let ledger: Ledger | null;

  beforeEach(async () => {
    ({ dir, paths, cleanup } = tempState('fwd-epoch-'));
    clock = new FakeClock();
    receiver = new TestReceiver();
    await receiver.start();
    ledger = null;
  });

  afterEach(async () => {
    ledger?.close();
    await receiver.stop();
    cleanup();
  });

  async function open(): Promise<Ledger> {
    ledger = await openTestLedger(paths, clock);
    return ledger;
  }

  function close(): void {
    ledger?.close();
    ledger = null;
  }

  /** Start a forwarder on the open ledger, wait until everything is acknowledged, stop it. */
  async function forwardAll(): Promise<{ epoch: string; reason: string }> {
    const l = ledger as Ledger;
    const target = await createTarget(
      { type: 'https', url: receiver.url },
      { stateDir: paths.stateDir, logger: silentLogger() },
    );
    const { sleep } = recordingSleep();
    const fwd = new Forwarder({
      ledger: l,
      target,
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 40,
      sleep,
    });
    await fwd.start();
    try {
      await waitFor(() => fwd.status().backlog === 0 && fwd.status().phase === 'idle', 'delivery');
      const current = l.outbox.epoch();
      return { epoch: current?.epoch ?? '', reason: current?.reason ?? '' };
    } finally {
      await fwd.stop();
    }
  }

  function allIds(l: Ledger): Set<string> {
    return new Set(l.outbox.read(0, 1_000_000).map((r) => r.recordId));
  }

  it('continues across restarts: same epoch, nothing sent twice', async () => {
    fillOutbox(await open(), paths, clock, { records: 120, days: 1 });
    const first = await forwardAll();
    assert.equal(first.reason, 'first-start');
    const batches = receiver.batches.length;
    const second = await forwardAll();
    assert.equal(second.epoch, first.epoch);
    assert.equal(receiver.batches.length, batches, 'nothing new, nothing sent');
    fillOutbox(ledger as Ledger, paths, clock, { records: outboxHead(ledger as Ledger) + 60, days: 1 });
    await forwardAll();
    assert.deepEqual(receiver.duplicates(), []);
    assert.deepEqual(new Set(receiver.stored.keys()), allIds(ledger as Ledger));
  });

  it('gives a restored ledger a new epoch and resends its whole outbox, which the receiver de-duplicates', async () => {
    fillOutbox(await open(), paths, clock, { records: 120, days: 1 });
    const before = await forwardAll();
    close();
    const backup = path.join(dir, 'ledger-backup.db');
    copyFileSync(ledgerFile(paths), backup);
    fillOutbox(await open(), paths, clock, { records: 240, days: 1 });
    await forwardAll();
    close();
    // The disk failed; the backup is copied back into place.
    copyFileSync(backup, `${ledgerFile(paths)}.restoring`);
    renameSync(`${ledgerFile(paths)}.restoring`, ledgerFile(paths));
    const restored = await open();
    const restoredIds = allIds(restored);
    fillOutbox(restored, paths, clock, { records: outboxHead(restored) + 50, days: 1 });
    const after = await forwardAll();
    assert.notEqual(after.epoch, before.epoch);
    assert.equal(after.reason, 'ledger-file-changed');
    const resent = new Set(receiver.batches.filter((b) => b.epoch === after.epoch).flatMap((b) => b.ids));
    for (const id of restoredIds) assert.ok(resent.has(id), `${id} was sent again in the new epoch`);
    assert.deepEqual(receiver.conflicts, []);
    assert.deepEqual(receiver.invalid, []);
    for (const id of allIds(restored)) assert.ok(receiver.stored.has(id));
  });

  it('starts a new epoch when the ledger file was replaced by a copy, even with the state file restored too', async () => {
    fillOutbox(await open(), paths, clock, { records: 80, days: 1 });
    const before = await forwardAll();
    close();
    copyFileSync(ledgerFile(paths), `${ledgerFile(paths)}.copy`);
    renameSync(`${ledgerFile(paths)}.copy`, ledgerFile(paths));
    await open();
    const after = await forwardAll();
    assert.notEqual(after.epoch, before.epoch);
    assert.equal(after.reason, 'ledger-file-changed');
    assert.deepEqual(receiver.conflicts, []);
  });

  it('starts a new epoch when the state file is lost, and when the ledger went back in time in place', async () => {
    fillOutbox(await open(), paths, clock, { records: 80, days: 1 });
    const first = await forwardAll();
    rmSync(forwardStateFile(paths.stateDir));
    const second = await forwardAll();
    assert.notEqual(second.epoch, first.epoch);
    assert.equal(second.reason, 'state-missing');
    close();
    // Lose the newest outbox records in place (same file): the acknowledged one is gone.
    const db = new Database(ledgerFile(paths));
    const head = (db.prepare('SELECT max(id) AS id FROM outbox').get() as { id: number }).id;
    db.prepare('DELETE FROM outbox WHERE id > ?').run(head - 5);
    db.close();
    await open();
    const third = await forwardAll();
    assert.notEqual(third.epoch, second.epoch);
    assert.equal(third.reason, 'ledger-rolled-back');
    assert.deepEqual(receiver.conflicts, []);
  });
});
