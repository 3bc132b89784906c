import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { commands } from '../../agent/cli/commands.ts';
import { buildBatch } from '../../agent/forwarder/batch.ts';
import { createTarget } from '../../agent/forwarder/create-target.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import type { S3TargetConfig } from '../../agent/forwarder/forwarder-config.ts';
import type { ForwardTarget } from '../../agent/forwarder/target.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import {
  recordingSleep,
  type S3rverPeer,
  startS3rver,
  waitFor,
} from '../fixtures/forwarder/forwarder-fixture.ts';
import { fillOutbox } from '../fixtures/forwarder/outbox-fill.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';

const BUCKET = 'county-store';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('forwarder to an s3 target (s3rver in its own process, the AWS SDK v3 over HTTP)', () => {
  let dir: string;
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let ledger: Ledger;
  let peer: S3rverPeer & { port: number };
  let s3: S3Client;

  before(async () => {
    ({ dir, paths, cleanup } = tempState('fwd-s3-'));
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock);
    peer = await startS3rver(path.join(dir, 's3rver'), BUCKET);
    s3 = new S3Client({
      endpoint: peer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
  });

  after(async () => {
    s3.destroy();
    await peer.stop();
    ledger.close();
    cleanup();
  });

  function config(extra: Partial<S3TargetConfig> = {}): S3TargetConfig {
    return {
      type: 's3',
      endpoint: peer.endpoint,
      bucket: BUCKET,
      prefix: 'docks/',
      credentials: CREDENTIALS,
      timeoutMs: 2000,
      ...extra,
    };
  }

  async function target(extra: Partial<S3TargetConfig> = {}): Promise<ForwardTarget> {
    return createTarget(config(extra), { stateDir: paths.stateDir, logger: silentLogger(), now: clock.now });
  }

  async function keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
      );
      out.push(...(res.Contents ?? []).map((c) => c.Key as string));
      token = res.NextContinuationToken;
      if (!token) break;
    }
    return out;
  }

  async function json(key: string): Promise<unknown> {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse((await res.Body?.transformToString()) ?? 'null') as unknown;
  }

  it('delivers every record once as immutable batch objects, with checkpoints beside them', async () => {
    fillOutbox(ledger, paths, clock, { records: 300, days: 1 });
    const { sleep } = recordingSleep();
    const fwd = new Forwarder({
      ledger,
      target: await target(),
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 60,
      sleep,
    });
    await fwd.start();
    await waitFor(() => fwd.status().backlog === 0 && fwd.status().phase === 'idle', 'delivery');
    const epoch = fwd.status().epoch as string;
    await fwd.stop();
    const batchKeys = (await keys(`docks/${ledger.dockId}/epochs/${epoch}/batches/`)).sort();
    const ids: string[] = [];
    for (const key of batchKeys)
      ids.push(...((await json(key)) as { records: { id: string }[] }).records.map((r) => r.id));
    assert.deepEqual(
      ids,
      ledger.outbox.read(0, 10_000).map((r) => r.recordId),
      'every record once, in order',
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: batchKeys[0] }));
    assert.match(head.Metadata?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const cpKeys = (await keys(`docks/${ledger.dockId}/checkpoints/`)).sort();
    assert.ok(cpKeys[0]?.includes(`-${String(ledger.latestCheckpoint()?.seq).padStart(16, '0')}-`));
    assert.equal(ids.filter((id) => id.startsWith('checkpoint:')).length, ledger.checkpoints().length);
    assert.ok((await keys(`docks/${ledger.dockId}/dock.json`)).length === 1);
  });

  it('never overwrites: s3rver ignores If-None-Match on PUT, so the target checks with HEAD first', async () => {
    const t = await target();
    const rows = ledger.outbox.read(0, 30);
    const epoch = '11111111-1111-4111-8111-111111111111';
    const built = buildBatch(rows, { dockId: ledger.dockId, epoch, sendPersonal: false });
    const other = buildBatch(rows, { dockId: ledger.dockId, epoch, sendPersonal: true });
    assert.ok(built.kind === 'batch' && other.kind === 'batch');
    const key = `docks/${built.batch.key}`;
    assert.deepEqual(await t.send(built.batch), { kind: 'acked', duplicate: false });
    const first = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.deepEqual(await t.send(built.batch), { kind: 'acked', duplicate: true }, 'a resend is recognised');
    assert.deepEqual(await t.send(other.batch), { kind: 'conflict', key: built.batch.key });
    const still = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(still.ETag, first.ETag, 'the object was not replaced');
    // The finding that makes the HEAD necessary: a conditional PUT straight to s3rver overwrites.
    const probe = `probe/${Date.now()}.json`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: probe, Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: probe, Body: 'two', IfNoneMatch: '*' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: probe }));
    assert.equal(await got.Body?.transformToString(), 'two', 's3rver does not honour If-None-Match on PUT');
    await t.close();
  });

  it('retries while the store is down or the bucket is wrong, then delivers', async () => {
    const wrong = await target({ bucket: 'no-such-bucket' });
    const rows = ledger.outbox.read(0, 5);
    const built = buildBatch(rows, {
      dockId: ledger.dockId,
      epoch: '22222222-2222-4222-8222-222222222222',
      sendPersonal: false,
    });
    assert.ok(built.kind === 'batch');
    const refused = await wrong.send(built.batch);
    assert.equal(refused.kind, 'retry');
    assert.match(refused.kind === 'retry' ? refused.message : '', /NoSuchBucket.*check the bucket/);
    await wrong.close();

    fillOutbox(ledger, paths, clock, { records: 400, days: 1 });
    const t = await target();
    await peer.stop();
    const { sleep } = recordingSleep();
    const fwd = new Forwarder({
      ledger,
      target: t,
      logger: silentLogger(),
      stateDir: paths.stateDir,
      now: clock.now,
      batchSize: 60,
      backoff: { initialMs: 10, maxMs: 50 },
      sleep,
    });
    await fwd.start();
    await waitFor(() => fwd.status().phase === 'retrying', 'a failed attempt');
    assert.equal(fwd.status().targetReachable, false);
    peer = await startS3rver(path.join(dir, 's3rver'), BUCKET, peer.port);
    await waitFor(() => fwd.status().backlog === 0 && fwd.status().phase === 'idle', 'delivery');
    assert.equal(fwd.status().targetReachable, true);
    await fwd.stop();
  });

  it('hands its newest checkpoint to dockctl verify --against', async () => {
    const file = path.join(dir, 'config.yaml');
    const c = config();
    writeFileSync(
      file,
      [
        'version: 2',
        'paths:',
        `  stateDir: ${paths.stateDir}`,
        'forwarder:',
        '  target:',
        '    type: s3',
        `    endpoint: ${c.endpoint}`,
        `    bucket: ${c.bucket}`,
        `    prefix: ${c.prefix}`,
        '    credentials: { accessKeyId: S3RVER, secretAccessKey: S3RVER }',
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'cp.json');
    let err = '';
    const io = (argv: string[]) => ({
      argv,
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk, _e, done) => {
          err += chunk.toString();
          done();
        },
      }),
      env: {},
    });
    const forward = commands.find((x) => x.name === 'forward');
    const verify = commands.find((x) => x.name === 'verify');
    assert.ok(forward && verify);
    assert.equal(
      await forward.run(io(['fetch-checkpoint', '--state', paths.stateDir, '--config', file, '--out', out])),
      0,
      err,
    );
    assert.equal(await verify.run(io(['--state', paths.stateDir, '--against', out])), 0, err);
  });
});
