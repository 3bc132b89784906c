import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTarget } from '../../agent/forwarder/create-target.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import type { HttpsTargetConfig } from '../../agent/forwarder/forwarder-config.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { createRootLogger, silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { recordingSleep, selfSignedCert, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox, outboxHead, PERSONAL_NAMES, UNIT_NAME } from '../fixtures/forwarder/outbox-fill.ts';
import { TestReceiver } from '../fixtures/forwarder/receiver.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

type Logger = ReturnType<typeof silentLogger>;

/** Every record id in the ledger's outbox. */
function outboxIds(ledger: Ledger): string[] {
  return ledger.outbox.read(0, 1_000_000).map((r) => r.recordId);
}

describe('forwarder to an https target (a real HTTP server on loopback)', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let ledger: Ledger;
  let receiver: TestReceiver;
  let forwarder: Forwarder | null;

  beforeEach(async () => {
    ({ paths, cleanup } = tempState('fwd-https-'));
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock);
    receiver = new TestReceiver();
    await receiver.start();
    forwarder = null;
  });

  afterEach(async () => {
    await forwarder?.stop();
    await receiver.stop();
    ledger.close();
    cleanup();
  });

  async function startForwarder(
    config: Partial<HttpsTargetConfig> = {},
    logger: Logger = silentLogger(),
    batchSize = 50,
  ): Promise<{ fwd: Forwarder; delays: number[] }> {
    const target = await createTarget(
      { type: 'https', url: receiver.url, timeoutMs: 400, ...config },
      { stateDir: paths.stateDir, logger, now: clock.now },
    );
    const { sleep, delays } = recordingSleep();
    const fwd = new Forwarder({
      ledger,
      target,
      logger,
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize,
      backoff: { initialMs: 20, maxMs: 200 },
      sleep,
    });
    forwarder = fwd;
    await fwd.start();
    return { fwd, delays };
  }

  async function drained(fwd: Forwarder): Promise<void> {
    await waitFor(() => fwd.status().backlog === 0 && fwd.status().phase === 'idle', 'the backlog to drain');
  }

  it('delivers every outbox record once, schema-valid and in outbox order', async () => {
    fillOutbox(ledger, paths, clock, { records: 400, days: 1 });
    const { fwd } = await startForwarder();
    await drained(fwd);
    assert.deepEqual(receiver.invalid, []);
    assert.deepEqual(receiver.conflicts, []);
    assert.deepEqual(receiver.duplicates(), []);
    assert.deepEqual(new Set(receiver.stored.keys()), new Set(outboxIds(ledger)));
    const arrivalSeqs = receiver.batches.flatMap((b) => [b.firstSeq, b.lastSeq]);
    assert.deepEqual(
      arrivalSeqs,
      [...arrivalSeqs].sort((a, b) => a - b),
      'batches arrive in sequence order',
    );
    const types = new Set([...receiver.stored.values()].map((r) => (r as { type: string }).type));
    assert.deepEqual(types, new Set(['dock', 'checkpoint', 'clip-index', 'usage-session', 'alert']));
    const s = fwd.status();
    assert.equal(s.targetReachable, true);
    assert.equal(s.ackedSeq, outboxHead(ledger));
    assert.notEqual(s.lastSuccessAt, null);
  });

  it('rides out 500s, a timeout, a dropped connection and 429 Retry-After: nothing lost, resends only', async () => {
    fillOutbox(ledger, paths, clock, { records: 300, days: 1 });
    receiver.faults = [
      { kind: 'status', status: 500 },
      { kind: 'hang' },
      { kind: 'drop' },
      { kind: 'status', status: 429, retryAfter: '3' },
      { kind: 'status', status: 503 },
    ];
    const { fwd, delays } = await startForwarder();
    await drained(fwd);
    assert.equal(receiver.faults.length, 0, 'every fault was played');
    assert.deepEqual(receiver.invalid, []);
    assert.deepEqual(receiver.conflicts, [], 'a resend is the same record');
    assert.deepEqual(new Set(receiver.stored.keys()), new Set(outboxIds(ledger)));
    // The hung and the dropped batch were stored but not acknowledged: they came again, as 409.
    assert.ok(receiver.duplicates().length > 0);
    assert.ok(receiver.batches.some((b) => b.status === 409));
    assert.ok(
      delays.some((d) => d >= 3000),
      'the forwarder waited at least what Retry-After asked',
    );
    assert.equal(fwd.status().targetReachable, true);
    assert.equal(fwd.status().lastError?.code, 'HTTP_503', 'the last error stays visible');
  });

  it('shows a receiver that went down as a readiness fact, then drains when it is back', async () => {
    fillOutbox(ledger, paths, clock, { records: 100, days: 1 });
    const { fwd } = await startForwarder();
    await drained(fwd);
    await receiver.stop();
    const before = outboxHead(ledger);
    fillOutbox(ledger, paths, clock, { records: before + 200, days: 1 });
    fwd.notify();
    await waitFor(
      () => fwd.status().lastError !== null && fwd.status().phase === 'retrying',
      'a failed attempt',
    );
    const down = fwd.status();
    assert.equal(down.targetReachable, false);
    assert.ok(down.backlog > 0);
    assert.ok(down.oldestUnsentAt !== null && down.nextAttemptAt !== null);
    await receiver.start();
    await drained(fwd);
    assert.equal(fwd.status().targetReachable, true);
    assert.deepEqual(new Set(receiver.stored.keys()), new Set(outboxIds(ledger)));
    assert.deepEqual(receiver.conflicts, []);
  });

  it('narrows a refused batch down to the poison record, parks it with an alert, delivers the rest', async () => {
    fillOutbox(ledger, paths, clock, { records: 200, days: 1 });
    const poison = outboxIds(ledger).filter((id) => id.startsWith('clip:'))[17] as string;
    receiver.rejectIds.add(poison);
    const { fwd } = await startForwarder();
    await drained(fwd);
    assert.equal(receiver.stored.has(poison), false);
    const alert = ledger.queries.openAlerts().find((a) => a.kind === 'forward-rejected');
    assert.equal(alert?.subject, `record:${poison}`);
    assert.ok(receiver.stored.has(`alert:${alert?.id}:opened`), 'the alert itself was forwarded');
    const expected = outboxIds(ledger).filter((id) => id !== poison);
    assert.deepEqual(new Set(receiver.stored.keys()), new Set(expected));
    assert.equal(fwd.status().parked, 1);
    assert.equal(fwd.isDelivered(poison), false);
    assert.equal(fwd.isDelivered(expected[5] as string), true);
    assert.ok(
      receiver.batches.filter((b) => b.status === 422).length <= 8,
      'found by halving, not one by one',
    );
  });

  it('never lets a target that is down throw out of start, the loop or stop', async () => {
    fillOutbox(ledger, paths, clock, { records: 50, days: 1 });
    await receiver.stop();
    let unhandled = 0;
    const count = () => {
      unhandled++;
    };
    process.on('unhandledRejection', count);
    try {
      const { fwd, delays } = await startForwarder({ url: 'http://127.0.0.1:9/batches' });
      await waitFor(() => delays.length >= 5, 'five retries');
      assert.equal(fwd.status().targetReachable, false);
      assert.match(fwd.status().lastError?.code ?? '', /ECONNREFUSED/);
      await fwd.stop();
      forwarder = null;
      assert.equal(fwd.status().phase, 'stopped');
    } finally {
      process.off('unhandledRejection', count);
    }
    assert.equal(unhandled, 0);
  });
});

describe('personal data (R11)', () => {
  let dir: string;
  let paths: DockPaths;
  let cleanup: () => void;
  let ledger: Ledger;
  let logged: string;
  let logger: Logger;
  let clock: FakeClock;

  beforeEach(async () => {
    ({ dir, paths, cleanup } = tempState('fwd-r11-'));
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock);
    fillOutbox(ledger, paths, clock, { records: 120, days: 1 });
    logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    logger = createRootLogger({ level: 'debug', destination: sink, pretty: false });
  });

  afterEach(() => {
    ledger.close();
    cleanup();
  });

  async function deliverTo(receiver: TestReceiver, config: Partial<HttpsTargetConfig>): Promise<void> {
    const target = await createTarget(
      { type: 'https', url: receiver.url, timeoutMs: 2000, ...config },
      { stateDir: paths.stateDir, logger },
    );
    const { sleep } = recordingSleep();
    const fwd = new Forwarder({
      ledger,
      target,
      logger,
      stateDir: path.join(dir, 'fwd'),
      now: clock.now,
      batchSize: 40,
      sleep,
    });
    await fwd.start();
    try {
      await waitFor(() => fwd.status().backlog === 0, 'delivery');
    } finally {
      await fwd.stop();
    }
  }

  function byType(receiver: TestReceiver, type: string): Record<string, unknown>[] {
    return [...receiver.stored.values()].filter((r) => (r as { type: string }).type === type) as Record<
      string,
      unknown
    >[];
  }

  function assertNotLogged(...secrets: string[]): void {
    assert.match(logged, /forwarder/);
    for (const s of [...PERSONAL_NAMES, UNIT_NAME, ...secrets]) assert.equal(logged.includes(s), false, s);
  }

  it('withholds personal fields from a plain-http target and says so in each record', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      await deliverTo(receiver, {});
      assert.deepEqual(receiver.invalid, []);
      const clips = byType(receiver, 'clip-index');
      assert.ok(clips.length > 0);
      for (const r of [...clips, ...byType(receiver, 'usage-session')]) {
        assert.equal(r.redacted, true);
        assert.equal(r.officerName, null);
        assert.equal(r.unitName, null);
        assert.ok(r.officerNo, 'the officer number is not personal data and stays');
      }
      for (const a of byType(receiver, 'alert')) assert.equal(a.detail, null);
      assertNotLogged();
    } finally {
      await receiver.stop();
    }
  });

  it('sends them to an https target with a bearer token, and to one with a client certificate', async () => {
    const server = selfSignedCert(dir, 'server');
    const client = selfSignedCert(dir, 'client');
    const token = 'tok-3f9a1c7e55';
    const withToken = new TestReceiver({ tls: { cert: server.cert, key: server.key }, token });
    const withCert = new TestReceiver({
      tls: {
        cert: server.cert,
        key: server.key,
        requestCert: true,
        rejectUnauthorized: true,
        ca: [client.cert],
      },
    });
    await withToken.start();
    await withCert.start();
    try {
      await deliverTo(withToken, { token, caFile: server.certFile });
      rmSync(path.join(dir, 'fwd'), { recursive: true });
      await deliverTo(withCert, {
        clientCertFile: client.certFile,
        clientKeyFile: client.keyFile,
        caFile: server.certFile,
      });
      for (const receiver of [withToken, withCert]) {
        assert.deepEqual(receiver.invalid, []);
        const clip = byType(receiver, 'clip-index')[0];
        assert.equal(clip?.redacted, false);
        assert.ok(PERSONAL_NAMES.includes(clip?.officerName as (typeof PERSONAL_NAMES)[number]));
        assert.equal(clip?.unitName, UNIT_NAME);
        assert.equal(byType(receiver, 'usage-session')[0]?.redacted, false);
      }
      assertNotLogged(token);
    } finally {
      await withToken.stop();
      await withCert.stop();
    }
  });

  it('refuses to send a token over plain http', async () => {
    await assert.rejects(
      createTarget(
        { type: 'https', url: 'http://127.0.0.1:1/x', token: 'secret' },
        { stateDir: dir, logger },
      ),
      /unencrypted: use an https: URL/,
    );
  });
});
