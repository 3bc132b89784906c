import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { commands } from '../../agent/cli/commands.ts';
import { buildBatch } from '../../agent/forwarder/batch.ts';
import { FileTarget } from '../../agent/forwarder/file-target.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import { parseForwarderConfig } from '../../agent/forwarder/forwarder-config.ts';
import { createForwarder } from '../../agent/forwarder/forwarder-setup.ts';
import { batchKey } from '../../agent/forwarder/object-keys.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import { recordingSleep, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox, outboxHead } from '../fixtures/forwarder/outbox-fill.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

/** Run a dockctl command in-process; returns its exit code and output. */
async function dockctl(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(chunk.toString());
        done();
      },
    });
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  assert.ok(command, `dockctl ${name} is registered`);
  const code = await command.run({
    argv: rest,
    stdout: sink((s) => {
      out += s;
    }),
    stderr: sink((s) => {
      err += s;
    }),
    env: {},
  });
  return { code, out, err };
}

/** Every file below `root`, relative, sorted. */
function filesBelow(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

describe('forwarder to the file target (a folder laid out as an object store)', () => {
  let dir: string;
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let ledger: Ledger;
  let store: string;
  let fwd: Forwarder | null;

  beforeEach(async () => {
    ({ dir, paths, cleanup } = tempState('fwd-file-'));
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock);
    store = path.join(dir, 'central-store');
    fwd = null;
  });

  afterEach(async () => {
    await fwd?.stop();
    ledger.close();
    cleanup();
  });

  async function start(): Promise<Forwarder> {
    const { sleep } = recordingSleep();
    fwd = new Forwarder({
      ledger,
      target: new FileTarget(store),
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 50,
      sleep,
    });
    await fwd.start();
    return fwd;
  }

  async function drained(f: Forwarder): Promise<void> {
    await waitFor(() => f.status().backlog === 0 && f.status().phase === 'idle', 'delivery');
  }

  /** Records in the batch objects of `epoch`, in key order. */
  function batchRecords(
    epoch: string,
  ): { id: string; type: string; redacted: boolean; officerName?: unknown }[] {
    const folder = path.join(store, ledger.dockId, 'epochs', epoch, 'batches');
    return readdirSync(folder)
      .sort()
      .flatMap((f) => (JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as { records: [] }).records);
  }

  it('writes read-only immutable objects under keys from dock, epoch and sequence, plus checkpoints', async () => {
    fillOutbox(ledger, paths, clock, { records: 230, days: 1 });
    const f = await start();
    await drained(f);
    const epoch = f.status().epoch as string;
    const records = batchRecords(epoch);
    assert.deepEqual(
      records.map((r) => r.id),
      ledger.outbox.read(0, 10_000).map((r) => r.recordId),
      'every record once, in outbox order',
    );
    const personal = records.filter((r) => ['clip-index', 'usage-session', 'alert'].includes(r.type));
    assert.ok(personal.length > 150);
    assert.ok(
      personal.every((r) => r.redacted === true && (r.officerName ?? null) === null),
      'R11: not secure',
    );
    const files = filesBelow(store).filter((f) => !f.startsWith('.staging'));
    assert.ok(files.includes(`${ledger.dockId}/dock.json`));
    const checkpoints = files.filter((f) => f.startsWith(`${ledger.dockId}/checkpoints/`)).sort();
    const newest = ledger.latestCheckpoint();
    assert.ok(checkpoints.length >= 1 && checkpoints.length <= Math.ceil(records.length / 50));
    assert.ok(
      checkpoints[0]?.includes(`-${String(newest?.seq).padStart(16, '0')}-`),
      'the newest is listed first',
    );
    const inBatches = records.filter((r) => r.type === 'checkpoint').length;
    assert.equal(inBatches, ledger.checkpoints().length, 'every checkpoint is in a batch');
    assert.deepEqual(readdirSync(path.join(store, '.staging')), [], 'nothing left staged');
    for (const f of files) assert.equal(statSync(path.join(store, f)).mode & 0o222, 0, `${f} is read-only`);
  });

  it('a batch stored but not acknowledged before the dock died is sent again as the same range, never stored twice', async () => {
    fillOutbox(ledger, paths, clock, { records: 30, days: 1 });
    const inner = new FileTarget(store);
    let stored = false;
    // The first forwarder stores one batch and dies before it learns so (its send never returns).
    const dying = new Forwarder({
      ledger,
      target: {
        identity: inner.identity,
        description: inner.description,
        secure: inner.secure,
        send: async (batch) => {
          await inner.send(batch);
          stored = true;
          return new Promise(() => {});
        },
        fetchLatestCheckpoint: (dockId) => inner.fetchLatestCheckpoint(dockId),
        close: () => inner.close(),
      },
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 50,
      sleep: recordingSleep().sleep,
    });
    await dying.start();
    await waitFor(() => stored, 'the first batch stored');
    fillOutbox(ledger, paths, clock, { records: 40, days: 1 }); // more records before the restart
    const f = await start();
    await drained(f);
    const ids = batchRecords(f.status().epoch as string).map((r) => r.id);
    assert.deepEqual(
      ids,
      ledger.outbox.read(0, 10_000).map((r) => r.recordId),
      'every record exactly once',
    );
  });

  it('takes an existing identical object as delivered and a different one as a conflict, never overwriting', async () => {
    fillOutbox(ledger, paths, clock, { records: 60, days: 1 });
    const target = new FileTarget(store);
    const rows = ledger.outbox.read(0, 20);
    const built = buildBatch(rows, {
      dockId: ledger.dockId,
      epoch: '00000000-0000-4000-8000-000000000000',
      sendPersonal: false,
    });
    assert.equal(built.kind, 'batch');
    if (built.kind !== 'batch') return;
    assert.deepEqual(await target.send(built.batch), { kind: 'acked', duplicate: false });
    const file = path.join(store, ...built.batch.key.split('/'));
    const inode = statSync(file).ino;
    assert.deepEqual(await target.send(built.batch), { kind: 'acked', duplicate: true });
    assert.equal(statSync(file).ino, inode, 'not rewritten');
    const other = buildBatch(rows, {
      dockId: ledger.dockId,
      epoch: '00000000-0000-4000-8000-000000000000',
      sendPersonal: true,
    });
    if (other.kind !== 'batch') return;
    assert.deepEqual(await target.send(other.batch), { kind: 'conflict', key: built.batch.key });
    assert.equal(readFileSync(file, 'utf8'), built.batch.body.toString('utf8'));
  });

  it('meets a foreign object at its next key with a new epoch, leaving that object alone', async () => {
    fillOutbox(ledger, paths, clock, { records: 100, days: 1 });
    const f = await start();
    await drained(f);
    const first = f.status().epoch as string;
    const head = outboxHead(ledger);
    fillOutbox(ledger, paths, clock, { records: head + 50, days: 1 });
    const next = Math.min(outboxHead(ledger), head + 50);
    const foreign = path.join(store, ...batchKey(ledger.dockId, first, head + 1, next).split('/'));
    mkdirSync(path.dirname(foreign), { recursive: true });
    writeFileSync(foreign, '{"not":"ours"}');
    f.notify();
    await waitFor(() => f.status().epoch !== first && f.status().backlog === 0, 'a new epoch, drained');
    assert.equal(readFileSync(foreign, 'utf8'), '{"not":"ours"}');
    assert.equal(ledger.outbox.epoch()?.reason, 'key-conflict');
    const resent = batchRecords(f.status().epoch as string).map((r) => r.id);
    assert.deepEqual(
      resent,
      ledger.outbox.read(0, 10_000).map((r) => r.recordId),
    );
  });

  it('dockctl forward status and fetch-checkpoint; verify --against proves the local chain extends it', async () => {
    fillOutbox(ledger, paths, clock, { records: 150, days: 1 });
    const f = await start();
    await drained(f);
    const status = await dockctl(['forward', 'status', '--state', paths.stateDir, '--json']);
    assert.equal(status.code, 0, status.err);
    const s = JSON.parse(status.out) as { backlog: number; target: string; targetReachable: boolean };
    assert.equal(s.backlog, 0);
    assert.equal(s.target, `file:${store}`);
    assert.equal(s.targetReachable, true);
    const config = path.join(dir, 'config.yaml');
    writeFileSync(
      config,
      `version: 2\npaths:\n  stateDir: ${paths.stateDir}\nforwarder:\n  target:\n    type: file\n    dir: ${store}\n`,
    );
    const out = path.join(dir, 'central-checkpoint.json');
    const fetched = await dockctl([
      'forward',
      'fetch-checkpoint',
      '--state',
      paths.stateDir,
      '--config',
      config,
      '--out',
      out,
    ]);
    assert.equal(fetched.code, 0, fetched.err);
    const cp = JSON.parse(readFileSync(out, 'utf8')) as { seq: number };
    assert.equal(cp.seq, ledger.latestCheckpoint()?.seq, 'the newest checkpoint the store holds');
    // The dock goes on; the local chain must still extend what the store attested.
    fillOutbox(ledger, paths, clock, { records: outboxHead(ledger) + 20, days: 1 });
    const verify = await dockctl(['verify', '--state', paths.stateDir, '--against', out]);
    assert.equal(verify.code, 0, verify.out + verify.err);
    assert.match(verify.out, /the local chain extends it/);
  });

  it('is built from the configuration as dockd does: a relative folder lands below the state folder', async () => {
    fillOutbox(ledger, paths, clock, { records: 40, days: 1 });
    const config = parseForwarderConfig({ target: { type: 'file', dir: 'central-store' }, pollSeconds: 1 });
    const f = await createForwarder(config, {
      ledger,
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
    });
    fwd = f;
    await f.start();
    await drained(f);
    assert.equal(f.status().target, `file:${path.join(paths.stateDir, 'central-store')}`);
    assert.equal(f.status().personalFields, 'withheld');
    assert.ok(readdirSync(path.join(paths.stateDir, 'central-store', ledger.dockId)).includes('dock.json'));
  });

  it('dockctl forward: help, usage errors and a missing ledger each get their exit code', async () => {
    assert.equal((await dockctl(['forward', '--help'])).code, 0);
    assert.equal((await dockctl(['forward'])).code, 64);
    const bad = await dockctl(['forward', 'frobnicate']);
    assert.equal(bad.code, 64);
    assert.match(bad.err, /unknown action 'frobnicate'.*dockctl forward --help/);
    const none = await dockctl(['forward', 'status', '--state', path.join(dir, 'nowhere')]);
    assert.equal(none.code, 66);
    assert.match(none.err, /there is no ledger in/);
    const offline = await dockctl(['forward', 'status', '--state', paths.stateDir]);
    assert.equal(offline.code, 0, 'no forwarder state yet is not a failure');
    assert.match(offline.out, /target\s+\(the forwarder has not run yet\)/);
    assert.match(offline.out, /backlog\s+2 records/);
  });
});
