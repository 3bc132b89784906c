import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutgoingBatch } from '../../agent/forwarder/batch.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import type { ForwarderLedger } from '../../agent/forwarder/forwarder-options.ts';
import type { ForwardTarget, SendOutcome } from '../../agent/forwarder/target.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox } from '../fixtures/forwarder/outbox-fill.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

describe('the forwarder sends only what a power cut cannot take back', () => {
  it('waits for the ledger to be on disk after reading a batch and before sending it', async () => {
    const { paths, cleanup } = tempState('fwd-durable-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    const events: string[] = [];
    // The real ledger, with its durable() observed: every send must follow a durable() that
    // began after the batch's rows were read.
    const observed = new Proxy(ledger, {
      get(target, key) {
        if (key === 'durable')
          return async () => {
            events.push('durable:start');
            await target.durable();
            events.push('durable:done');
          };
        if (key === 'outbox') {
          const outbox = target.outbox;
          return new Proxy(outbox, {
            get(o, k) {
              const v = Reflect.get(o, k, o);
              if (k === 'read')
                return (...args: Parameters<typeof outbox.read>) => {
                  events.push('read');
                  return outbox.read(...args);
                };
              return typeof v === 'function' ? v.bind(o) : v;
            },
          });
        }
        const v = Reflect.get(target, key, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as unknown as ForwarderLedger;
    const sent: number[] = [];
    const target: ForwardTarget = {
      description: 'observer',
      identity: 'observer:1',
      secure: true,
      async send(batch: OutgoingBatch): Promise<SendOutcome> {
        events.push('send');
        sent.push(batch.envelope.count);
        return { kind: 'acked', duplicate: false };
      },
      fetchLatestCheckpoint: async () => null,
      close: async () => {},
    };
    const fwd = new Forwarder({
      ledger: observed,
      target,
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 50,
    });
    try {
      const total = fillOutbox(ledger, paths, clock, { records: 200, days: 1 });
      await fwd.start();
      fwd.notify();
      await waitFor(() => fwd.status().backlog === 0, 'the outbox to drain').catch((err) => {
        throw new Error(
          `${err.message}: ${JSON.stringify(fwd.status())} events ${events.slice(0, 12).join(' ')}`,
        );
      });
      assert.equal(
        sent.reduce((a, b) => a + b, 0),
        total,
        'every record was sent once',
      );
      assert.ok(sent.length >= 2, `several batches (${sent.length})`);
      let lastRead = -1;
      for (let i = 0; i < events.length; i++) {
        if (events[i] === 'read') lastRead = i;
        if (events[i] !== 'send') continue;
        const since = events.slice(lastRead + 1, i);
        assert.ok(
          since.includes('durable:start') && since.includes('durable:done'),
          `send #${i} was not preceded by a finished durable() after its read: ${events.slice(Math.max(0, lastRead), i + 1).join(' ')}`,
        );
      }
    } finally {
      await fwd.stop();
      ledger.close();
      cleanup();
    }
  });
});
