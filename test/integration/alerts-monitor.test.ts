import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AlertMonitor } from '../../agent/alerts/alert-monitor.ts';
import type { ForwarderStatus } from '../../agent/forwarder/forwarder-status.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

function forwarderStatus(backlog: number, oldestUnsentAt: string | null): ForwarderStatus {
  return {
    target: 'file:/central',
    phase: 'idle',
    targetReachable: false,
    epoch: 'e1',
    ackedSeq: 0,
    backlog,
    oldestUnsentAt,
  } as unknown as ForwarderStatus;
}

describe('the dock raises and clears its own alerts', () => {
  it('storage-low opens below the threshold and is resolved by dockd when space returns', async () => {
    const { paths, cleanup } = tempState('alert-monitor-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    let free = 5;
    try {
      const monitor = new AlertMonitor({
        ledger,
        vaultDir: paths.vaultDir,
        forwarder: () => null,
        thresholds: { storageLowPercent: 10, forwardBacklogHours: 24 },
        logger: silentLogger(),
        now: clock.now,
        diskSpace: async () => ({ freeBytes: free, totalBytes: 100 }),
      });
      await monitor.checkNow();
      await monitor.checkNow();
      const open = ledger.queries.openAlerts().filter((a) => a.kind === 'storage-low');
      assert.equal(open.length, 1, 'one alert while the condition holds');
      assert.equal(open[0]?.facts?.freePercent, 5);
      free = 50;
      await monitor.checkNow();
      assert.equal(ledger.queries.openAlerts().filter((a) => a.kind === 'storage-low').length, 0);
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('reads the real file system of the vault (no alert on a roomy temp folder)', async () => {
    const { paths, cleanup } = tempState('alert-monitor-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    mkdirSync(paths.vaultDir, { recursive: true });
    try {
      const monitor = new AlertMonitor({
        ledger,
        vaultDir: paths.vaultDir,
        forwarder: () => null,
        thresholds: { storageLowPercent: 1, forwardBacklogHours: 24 },
        logger: silentLogger(),
        now: clock.now,
      });
      await monitor.checkNow();
      assert.equal(ledger.queries.openAlerts().length, 0);
      const all = new AlertMonitor({
        ledger,
        vaultDir: paths.vaultDir,
        forwarder: () => null,
        thresholds: { storageLowPercent: 90, forwardBacklogHours: 24 },
        logger: silentLogger(),
        now: clock.now,
        diskSpace: async () => ({ freeBytes: 1, totalBytes: 1000 }),
      });
      await all.checkNow();
      assert.equal(ledger.queries.openAlerts()[0]?.kind, 'storage-low');
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('forward-backlog opens when the oldest unsent record is older than the limit', async () => {
    const { paths, cleanup } = tempState('alert-monitor-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    let status = forwarderStatus(10, new Date(clock.now().getTime() - 3_600_000).toISOString());
    try {
      const monitor = new AlertMonitor({
        ledger,
        vaultDir: paths.vaultDir,
        forwarder: () => status,
        thresholds: { storageLowPercent: 10, forwardBacklogHours: 24 },
        logger: silentLogger(),
        now: clock.now,
        diskSpace: async () => ({ freeBytes: 90, totalBytes: 100 }),
      });
      await monitor.checkNow();
      assert.equal(ledger.queries.openAlerts().length, 0, 'one hour behind is not yet an alert');
      clock.advance(24 * 3_600_000);
      await monitor.checkNow();
      const alert = ledger.queries.openAlerts()[0];
      assert.equal(alert?.kind, 'forward-backlog');
      assert.equal(alert?.facts?.records, 10);
      status = forwarderStatus(0, null);
      await monitor.checkNow();
      assert.equal(ledger.queries.openAlerts().length, 0);
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('a storage check that fails (no vault folder yet) does not skip the forwarding check', async () => {
    const { paths, cleanup } = tempState('alert-monitor-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    const old = new Date(clock.now().getTime() - 48 * 3_600_000).toISOString();
    try {
      const monitor = new AlertMonitor({
        ledger,
        vaultDir: `${paths.vaultDir}/not-created-yet`,
        forwarder: () => forwarderStatus(3, old),
        thresholds: { storageLowPercent: 10, forwardBacklogHours: 24 },
        logger: silentLogger(),
        now: clock.now,
      });
      await monitor.checkNow();
      assert.deepEqual(
        ledger.queries.openAlerts().map((a) => a.kind),
        ['forward-backlog'],
      );
    } finally {
      ledger.close();
      cleanup();
    }
  });
});
