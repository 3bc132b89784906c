import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import { Watchdog, type WatchdogCheck, type WatchdogPinger } from '../../agent/ops/watchdog.ts';
import {
  eventLoopCheck,
  probeCheck,
  progressCheck,
  stateWritableCheck,
} from '../../agent/ops/watchdog-checks.ts';

function pinger(): WatchdogPinger & { pings: number; statuses: string[] } {
  return {
    pings: 0,
    statuses: [],
    watchdog() {
      this.pings++;
      return true;
    },
    status(text: string) {
      this.statuses.push(text);
      return true;
    },
  };
}

const ok: WatchdogCheck = { name: 'ok', check: () => ({ ok: true }) };

describe('Watchdog', () => {
  it('pings only when every check passes, and says which failed', async () => {
    const p = pinger();
    let ledgerOk = true;
    const dog = new Watchdog({
      pinger: p,
      intervalMs: 1000,
      log: silentLogger(),
      checks: [
        ok,
        probeCheck('ledger', () => {
          if (!ledgerOk) throw new Error('the ledger is read-only');
        }),
      ],
    });
    assert.deepEqual(await dog.round(), { pinged: true, failed: [] });
    ledgerOk = false;
    const r = await dog.round();
    assert.equal(r.pinged, false);
    assert.deepEqual(r.failed, [{ name: 'ledger', detail: 'the ledger is read-only' }]);
    assert.equal(p.pings, 1);
    assert.deepEqual(p.statuses, ['unhealthy: ledger: the ledger is read-only']);
    ledgerOk = true;
    assert.equal((await dog.round()).pinged, true);
    assert.equal(p.pings, 2);
  });

  it('fails a check that does not answer in time', async () => {
    const slow: WatchdogCheck = { name: 'slow', check: () => new Promise(() => {}) };
    const dog = new Watchdog({
      pinger: pinger(),
      intervalMs: 1000,
      checkTimeoutMs: 30,
      log: silentLogger(),
      checks: [slow],
    });
    const r = await dog.round();
    assert.equal(r.pinged, false);
    assert.match(r.failed[0]?.detail ?? '', /no answer within 30 ms/);
  });

  it('runs rounds on its interval once started, and stops', async () => {
    const p = pinger();
    const dog = new Watchdog({ pinger: p, intervalMs: 20, log: silentLogger(), checks: [ok] });
    dog.start();
    await new Promise((r) => setTimeout(r, 110));
    dog.stop();
    const seen = p.pings;
    assert.ok(seen >= 3, `pinged ${seen} times`);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(p.pings, seen);
  });
});

describe('watchdog checks', () => {
  it('progress: fails when an ingest has not moved for too long', () => {
    let now = new Date('2026-01-01T00:10:00Z');
    const activities = [
      { key: 'block:1209:0005:A', lastProgressAt: new Date('2026-01-01T00:09:30Z') },
      { key: 'block:1209:0005:B', lastProgressAt: new Date('2026-01-01T00:00:00Z') },
    ];
    const check = progressCheck(
      'ingest',
      () => activities,
      300_000,
      () => now,
    );
    const r = check.check();
    assert.ok(!('then' in r) && !r.ok);
    assert.match(r.ok ? '' : r.detail, /no progress for over 300 s on block:1209:0005:B$/);
    now = new Date('2026-01-01T00:01:00Z');
    assert.deepEqual(check.check(), { ok: true });
  });

  it('event loop: fails after the loop stalled longer than allowed', async () => {
    const check = eventLoopCheck(100, 20);
    try {
      await new Promise((r) => setTimeout(r, 120));
      check.check(); // start a fresh window
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // block the event loop
      }
      await new Promise((r) => setTimeout(r, 60));
      const r = await check.check();
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.detail, /stalled for \d+ ms/);
      await new Promise((r2) => setTimeout(r2, 120));
      assert.deepEqual(await check.check(), { ok: true });
    } finally {
      check.close();
    }
  });
});

describe('state folder write check', () => {
  it('passes while the folder takes a durable write, fails once it does not', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wd-state-'));
    try {
      const check = stateWritableCheck(dir, () => new Date('2026-11-21T00:00:00Z'));
      assert.deepEqual(await check.check(), { ok: true });
      assert.equal(await readFile(path.join(dir, '.watchdog'), 'utf8'), '2026-11-21T00:00:00.000Z\n');
      await rm(dir, { recursive: true });
      const gone = await check.check();
      assert.equal(gone.ok, false);
      assert.match(gone.ok ? '' : gone.detail, /ENOENT/);
    } finally {
      await chmod(dir, 0o700).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
