import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTarget } from '../../agent/forwarder/create-target.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { recordingSleep, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox } from '../fixtures/forwarder/outbox-fill.ts';
import { TestReceiver } from '../fixtures/forwarder/receiver.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

const RECORDS = 5000;
const DAY = 86_400_000;

describe('an office offline for days', () => {
  it(`queues ${RECORDS} records over 3 simulated days, then delivers each exactly once when the link returns`, async () => {
    const { paths, cleanup } = tempState('fwd-offline-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    const receiver = new TestReceiver();
    await receiver.start();
    await receiver.stop(); // the county link is down; its address is known
    const logger = silentLogger();
    const { sleep, delays } = recordingSleep();
    const fwd = new Forwarder({
      ledger,
      target: await createTarget(
        { type: 'https', url: receiver.url, timeoutMs: 2000 },
        { stateDir: paths.stateDir, logger },
      ),
      logger,
      stateDir: paths.stateDir,
      now: clock.now,
      backoff: { initialMs: 1000, maxMs: 300_000 },
      sleep,
    });
    try {
      await fwd.start();
      for (let day = 1; day <= 3; day++) {
        fillOutbox(ledger, paths, clock, { records: (RECORDS * day) / 3, days: 1 });
        fwd.notify();
      }
      await waitFor(() => fwd.status().phase === 'retrying', 'attempts while offline');
      const offline = fwd.status();
      assert.equal(offline.targetReachable, false);
      assert.ok(offline.backlog >= RECORDS, `backlog ${offline.backlog}`);
      assert.ok(
        (offline.oldestUnsentAgeMs ?? 0) >= 3 * DAY - 3_600_000,
        'the oldest record waits since day 1',
      );
      assert.ok(
        delays.every((d) => d <= 300_000),
        'the backoff is capped',
      );

      await receiver.start();
      await waitFor(
        () => fwd.status().backlog === 0 && fwd.status().phase === 'idle',
        'the backlog to drain',
      );
      const ids = ledger.outbox.read(0, 100_000).map((r) => r.recordId);
      assert.equal(receiver.stored.size, ids.length);
      assert.deepEqual(new Set(receiver.stored.keys()), new Set(ids), 'everything arrived');
      assert.deepEqual(receiver.duplicates(), [], 'nothing twice');
      assert.deepEqual(receiver.invalid, []);
      const s = fwd.status();
      assert.equal(s.targetReachable, true);
      assert.equal(s.oldestUnsentAt, null);
    } finally {
      await fwd.stop();
      await receiver.stop();
      ledger.close();
      cleanup();
    }
  });
});
