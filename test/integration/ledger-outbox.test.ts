import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { FakeClock, openTestLedger, populate, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

const DAY = 86_400_000;

describe('ledger outbox', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let ledger: Ledger;

  beforeEach(async () => {
    ({ paths, cleanup } = tempState('ledger-outbox-'));
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock, {
      checkpointEveryEvents: 1000,
      checkpointEveryMinutes: 100_000,
    });
  });

  afterEach(() => {
    ledger.close();
    cleanup();
  });

  function bodyOf(r: { body: unknown } | undefined): Record<string, unknown> {
    assert.ok(r, 'the record is in the outbox');
    return r.body as Record<string, unknown>;
  }

  function record(recordId: string): Record<string, unknown> | undefined {
    return ledger.outbox.read(0, 10_000).find((r) => r.recordId === recordId)?.body as
      | Record<string, unknown>
      | undefined;
  }

  it('queues alerts when they open and when they are resolved, in the same transaction as the event', () => {
    const a = ledger.openAlert(testAlert('late-clip', 'clip:1', { detail: 'late by 30 h' }));
    assert.deepEqual(record(`alert:${a.id}:opened`), {
      alertId: a.id,
      dockId: ledger.dockId,
      kind: 'late-clip',
      severity: 'warning',
      subject: 'clip:1',
      detail: 'late by 30 h',
      state: 'open',
      openedAt: a.openedAt.toISOString(),
      resolvedAt: null,
      resolvedBy: null,
      note: null,
      seq: ledger.head().seq,
    });
    const head = ledger.head();
    const before = ledger.outbox.backlog(0).count;
    assert.throws(() =>
      ledger.transaction(() => {
        ledger.resolveAlert(a.id, { resolvedBy: 'manager-1' });
        throw new Error('power cut, simulated');
      }),
    );
    assert.deepEqual(ledger.head(), head);
    assert.equal(ledger.outbox.backlog(0).count, before, 'no outbox record without its event');
    ledger.resolveAlert(a.id, { resolvedBy: 'manager-1', note: 'seen' });
    assert.equal(record(`alert:${a.id}:resolved`)?.state, 'resolved');
    assert.equal(record(`alert:${a.id}:resolved`)?.resolvedBy, 'manager-1');
    ledger.resolveAlert(a.id);
    assert.equal(ledger.outbox.backlog(0).count, before + 1, 'resolving twice queues nothing');
  });

  it('queues a usage record at check-out and at check-in, and officer names on clips and dockings', async () => {
    await populate(ledger, paths, clock, 2, 2);
    const rows = ledger.outbox.read(0, 10_000);
    const outs = rows.filter((r) => r.recordId.endsWith(':out'));
    const ins = rows.filter((r) => r.recordId.endsWith(':in'));
    assert.equal(outs.length, 2);
    assert.equal(ins.length, 2);
    const firstOut = bodyOf(outs[0]);
    assert.equal(firstOut.state, 'open');
    assert.equal(firstOut.officerName, '张三');
    assert.equal(firstOut.unitName, '综合行政执法队');
    assert.equal(bodyOf(ins[0]).state, 'closed');
    const clip = bodyOf(rows.find((r) => r.kind === 'clip'));
    assert.equal(clip.officerName, '张三');
    assert.equal(clip.unitName, '综合行政执法队');
    const docking = bodyOf(rows.find((r) => r.kind === 'session'));
    assert.equal(docking.officerName, '张三');
    assert.equal(docking.endBatteryPct, 34);
    const faults = rows.filter((r) => r.kind === 'fault');
    assert.equal(faults.length, 1);
    ledger.resolveFault(bodyOf(faults[0]).faultId as string, '已更换');
    for (const f of ledger.outbox.read(0, 10_000).filter((r) => r.kind === 'fault')) {
      const text = JSON.stringify(f.body);
      assert.equal(text.includes('镜头破裂'), false, 'the fault description stays on the dock');
      assert.equal(text.includes('已更换'), false, 'the resolution note stays on the dock');
    }
  });

  it('reports the backlog after a cursor, and prunes only old delivered records, keeping parked ones and the dock record', async () => {
    await populate(ledger, paths, clock, 3, 2);
    const rows = ledger.outbox.read(0, 10_000);
    const cursor = rows[10]?.id as number;
    const backlog = ledger.outbox.backlog(cursor);
    assert.equal(backlog.count, rows.length - 11);
    assert.equal(backlog.oldestCreatedAt?.getTime(), rows[11]?.createdAt.getTime());
    assert.equal(backlog.lastId, rows.at(-1)?.id);
    const parked = rows[4]?.id as number;
    clock.advance(40 * DAY);
    const deleted = ledger.outbox.prune(cursor, new Date(clock.now().getTime() - 30 * DAY), [parked]);
    const left = ledger.outbox.read(0, 10_000).map((r) => r.id);
    assert.equal(deleted, 8, 'ids 2…10 except the parked one');
    assert.deepEqual(left.slice(0, 4), [rows[0]?.id, parked, cursor, rows[11]?.id]);
    assert.equal(ledger.outbox.at(rows[0]?.id as number)?.kind, 'dock');
    assert.equal(ledger.outbox.idOf(rows[5]?.recordId as string), null);
    assert.equal(ledger.outbox.prune(cursor, new Date(0)), 0, 'nothing is old enough');
  });

  it('keeps forwarding epochs: none at first, then the newest is current', () => {
    assert.equal(ledger.outbox.epoch(), null);
    const at = clock.now();
    ledger.outbox.beginEpoch({ epoch: 'e-1', startedAt: at, reason: 'first-start', fileIdentity: '1:2:3' });
    ledger.outbox.beginEpoch({ epoch: 'e-2', startedAt: at, reason: 'key-conflict', fileIdentity: '1:2:3' });
    assert.deepEqual(ledger.outbox.epoch(), {
      epoch: 'e-2',
      startedAt: at,
      reason: 'key-conflict',
      fileIdentity: '1:2:3',
    });
  });
});
