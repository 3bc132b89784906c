import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Ledger } from '../../agent/ledger/ledger.ts';
import { tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

const FULL = 2;
const NORMAL = 1;

describe('relaxed commits of the dock face', () => {
  const state = tempState('relaxed-commits-');
  const cleanups: (() => void)[] = [() => state.cleanup()];
  after(() => {
    for (const c of cleanups.reverse()) c();
  });

  async function open(): Promise<Ledger> {
    const ledger = await Ledger.open(testLedgerOptions(state.paths));
    cleanups.push(() => ledger.close());
    return ledger;
  }

  it('commits the dock writes with synchronous=NORMAL and every other write with FULL', async () => {
    const ledger = await open();
    const level = () => ledger.readHandle.pragma('synchronous', { simple: true });
    assert.equal(level(), FULL);
    const inDock = ledger.dock.transaction(() => level());
    assert.equal(inDock, NORMAL);
    assert.equal(level(), FULL, 'back to FULL after the dock write');
    const inOther = ledger.transaction(() => level());
    assert.equal(inOther, FULL);
    const nested = ledger.transaction(() => ledger.dock.transaction(() => level()));
    assert.equal(nested, FULL, 'a dock write inside another transaction commits with it, as FULL');
    assert.throws(() =>
      ledger.dock.transaction(() => {
        throw new Error('rolled back');
      }),
    );
    assert.equal(level(), FULL, 'back to FULL after a rollback');
  });

  it('durable() syncs the write-ahead log of this ledger; calls before a sync starts share it', async () => {
    const ledger = await open();
    ledger.registerRecorder({ serial: 'R1', model: 'sim', vendor: 'Example vendor' });
    const session = ledger.dock.startSession({ serial: 'R1' });
    const waiting = Array.from({ length: 5 }, () => ledger.dock.durable());
    assert.equal(new Set(waiting).size, 1, 'calls made before the sync starts share it');
    await Promise.all(waiting);
    ledger.dock.step(session.id, 'listed', null);
    const later = ledger.dock.durable();
    assert.notEqual(later, waiting[0], 'a call after that sync gets a new one, which covers the later step');
    await later;
    assert.ok(existsSync(`${ledger.file}-wal`), "the log it syncs is the ledger's own");
  });
});
