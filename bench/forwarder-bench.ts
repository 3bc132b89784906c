/**
 * Forwarder benchmark: an office offline for 3 days. Fills a ledger's outbox with
 * FWD_BENCH_RECORDS records (default 100,000) through the real Ledger API while the county's
 * store is down, with the forwarder running and backing off; then the link returns and the
 * backlog drains to a loopback peer. Measured: from the peer coming up to an empty backlog, for
 * the https target (the test receiver in its own process: schema validation, de-duplication),
 * and then for the same outbox to the file target and to s3rver (s3). Prints a table and writes
 * bench/results/forwarder.json. FWD_BENCH_BATCH sets the batch size (default 500).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTarget } from '../agent/forwarder/create-target.ts';
import { Forwarder } from '../agent/forwarder/forwarder.ts';
import type { ForwardTarget } from '../agent/forwarder/target.ts';
import { Ledger } from '../agent/ledger/ledger.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { pathsUnder } from '../agent/paths.ts';
import { startS3rver } from '../test/fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox, outboxHead } from '../test/fixtures/forwarder/outbox-fill.ts';
import { FakeClock } from '../test/fixtures/ledger/ledger-fixture.ts';
import { testLedgerOptions } from '../test/helpers/test-config.ts';

const RECORDS = Number(process.env.FWD_BENCH_RECORDS ?? 100_000);
const BATCH = Number(process.env.FWD_BENCH_BATCH ?? 500);
const REPO = path.resolve(import.meta.dirname, '..');

interface PeerReport {
  url: string;
  stored: number;
  duplicates: number;
  invalid: number;
  conflicts: number;
  batches: number;
}

interface Drain {
  target: string;
  records: number;
  drainSeconds: number;
  recordsPerSecond: number;
}

/** The receiver in its own process; `ask` sends a command and waits for its report. */
function startPeer(): Promise<{ ask: (cmd: string) => Promise<PeerReport>; child: ChildProcess }> {
  const child = fork(path.join(REPO, 'test/fixtures/forwarder/receiver-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (cmd: string) =>
    new Promise<PeerReport>((resolve, reject) => {
      child.once('message', (m: PeerReport & { error?: string }) =>
        m.error ? reject(new Error(m.error)) : resolve(m),
      );
      child.send({ cmd });
    });
  return new Promise((resolve) => child.once('message', () => resolve({ ask, child })));
}

/** A forwarder, and a promise that resolves when it acknowledged the outbox head at start of drain. */
function forwarder(
  ledger: Ledger,
  target: ForwardTarget,
  stateDir: string,
  clock: FakeClock,
): { fwd: Forwarder; drained: (head: number) => Promise<void> } {
  let goal = Number.POSITIVE_INFINITY;
  let done: () => void = () => {};
  const fwd = new Forwarder({
    ledger,
    target,
    logger: silentLogger(),
    stateDir,
    now: clock.now,
    batchSize: BATCH,
    // Short, so the drain starts soon after the link returns; the default caps at 5 minutes.
    backoff: { initialMs: 100, maxMs: 1000 },
    // Completion from the acknowledgements, not by polling status(): its backlog count would
    // compete with the forwarder for the event loop.
    onAck: (seq) => {
      if (seq >= goal) done();
    },
  });
  const drained = (head: number) =>
    new Promise<void>((resolve) => {
      goal = head;
      done = resolve;
    });
  return { fwd, drained };
}

/** Drain the whole outbox again to another target (a changed target starts from the first record). */
async function drainTo(
  name: string,
  ledger: Ledger,
  target: ForwardTarget,
  stateDir: string,
  clock: FakeClock,
): Promise<Drain> {
  const { fwd, drained } = forwarder(ledger, target, stateDir, clock);
  const records = ledger.outbox.backlog(0).count;
  const done = drained(outboxHead(ledger));
  const t0 = performance.now();
  await fwd.start();
  await done;
  const s = (performance.now() - t0) / 1000;
  await fwd.stop();
  return { target: name, records, drainSeconds: s, recordsPerSecond: Math.round(records / s) };
}

async function offlineThenHttps(ledger: Ledger, stateDir: string, clock: FakeClock) {
  const peer = await startPeer();
  const { url } = await peer.ask('start');
  await peer.ask('stop');
  const target = await createTarget(
    { type: 'https', url, timeoutMs: 30_000 },
    { stateDir, logger: silentLogger() },
  );
  const { fwd, drained } = forwarder(ledger, target, stateDir, clock);
  await fwd.start();
  const f0 = performance.now();
  fillOutbox(ledger, pathsUnder(stateDir), clock, { records: RECORDS, days: 3 });
  const fillSeconds = (performance.now() - f0) / 1000;
  fwd.notify();
  for (let i = 0; i < 6000 && fwd.status().phase !== 'retrying'; i++)
    await new Promise((r) => setTimeout(r, 10));
  const offline = fwd.status();
  const done = drained(outboxHead(ledger));
  const t0 = performance.now();
  await peer.ask('start');
  await done;
  const drainSeconds = (performance.now() - t0) / 1000;
  await fwd.stop();
  const report = await peer.ask('exit');
  const records = ledger.outbox.backlog(0).count;
  return { fillSeconds, offline, drainSeconds, report, records };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'fwd-bench-'));
  const stateDir = path.join(dir, 'state');
  const clock = new FakeClock();
  const ledger = await Ledger.open(testLedgerOptions(pathsUnder(stateDir), { now: clock.now }));
  try {
    const https = await offlineThenHttps(ledger, stateDir, clock);
    if (
      https.report.stored !== https.records ||
      https.report.duplicates ||
      https.report.invalid ||
      https.report.conflicts
    )
      throw new Error(
        `the receiver's count is off: ${JSON.stringify(https.report)} for ${https.records} records`,
      );
    const file = await drainTo(
      'file',
      ledger,
      await createTarget(
        { type: 'file', dir: path.join(dir, 'store') },
        { stateDir, logger: silentLogger() },
      ),
      stateDir,
      clock,
    );
    const s3peer = await startS3rver(path.join(dir, 's3rver'), 'bench');
    const s3 = await drainTo(
      's3 (s3rver)',
      ledger,
      await createTarget(
        {
          type: 's3',
          endpoint: s3peer.endpoint,
          bucket: 'bench',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        },
        { stateDir, logger: silentLogger() },
      ),
      stateDir,
      clock,
    );
    await s3peer.stop();
    const httpsDrain: Drain = {
      target: 'https (loopback peer process)',
      records: https.records,
      drainSeconds: https.drainSeconds,
      recordsPerSecond: Math.round(https.records / https.drainSeconds),
    };
    const rows = [httpsDrain, file, s3];
    process.stdout.write(
      `forwarder: ${https.records.toLocaleString('en')} records queued over 3 simulated days (filled in ${https.fillSeconds.toFixed(1)} s), batch ${BATCH}\n` +
        `offline: backlog ${https.offline.backlog}, oldest ${((https.offline.oldestUnsentAgeMs ?? 0) / 86_400_000).toFixed(2)} days, last error ${https.offline.lastError?.code}\n` +
        `${'target'.padEnd(32)} ${'drain s'.padStart(8)} ${'records/s'.padStart(10)}\n` +
        rows
          .map(
            (r) =>
              `${r.target.padEnd(32)} ${r.drainSeconds.toFixed(2).padStart(8)} ${String(r.recordsPerSecond).padStart(10)}`,
          )
          .join('\n') +
        `\nhttps receiver: ${https.report.stored} stored, ${https.report.duplicates} duplicates, ${https.report.batches} requests; goal: drain < 60 s\n`,
    );
    mkdirSync(path.join(REPO, 'bench/results'), { recursive: true });
    const result = {
      at: new Date().toISOString(),
      node: process.version,
      records: https.records,
      batchSize: BATCH,
      simulatedDaysOffline: 3,
      fillSeconds: https.fillSeconds,
      offlineStatus: { backlog: https.offline.backlog, oldestUnsentAgeMs: https.offline.oldestUnsentAgeMs },
      receiver: https.report,
      drains: rows,
      goalSeconds: 60,
      goalMet: https.drainSeconds < 60,
    };
    writeFileSync(path.join(REPO, 'bench/results/forwarder.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
