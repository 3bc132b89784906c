import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { monthsAfter } from '../../agent/lifecycle/retention-policy.ts';
import { footageKey } from '../../agent/offsite/object-keys.ts';
import type { OffsiteCopier } from '../../agent/offsite/offsite-copier.ts';
import { UploadJournal } from '../../agent/offsite/upload-journal.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { recordingSleep, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { FakeClock, openTestLedger, REPO_ROOT, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import type { CephCluster } from '../fixtures/offsite/ceph-cluster.ts';
import {
  cephStore,
  cephWithBuckets,
  sealFiles,
  TEST_POLICY,
  testCopier,
} from '../fixtures/offsite/copy-fixture.ts';
import { countingStore } from '../fixtures/offsite/store-doubles.ts';

const MiB = 1024 * 1024;
describe('off-site copies to a real Ceph with Object Lock (single node, radosgw on loopback)', () => {
  let ceph: CephCluster;
  let s3: S3Client;

  before(async () => {
    ({ ceph, s3 } = await cephWithBuckets([
      ['locked', true],
      ['unlocked', false],
    ]));
  });

  after(async () => {
    s3?.destroy();
    await ceph?.stop();
  });

  async function world(prefix: string) {
    const state = tempState(prefix);
    // Ceph judges retention dates by its own clock: the dock's clock starts at the real time.
    const clock = new FakeClock(new Date().toISOString());
    const ledger = await openTestLedger(state.paths, clock);
    return { ...state, clock, ledger };
  }

  function copyRows(
    ledger: Ledger,
  ): { sha256: string; last_result: string; version_id: string; lock_kept: number }[] {
    return (ledger as unknown as { db: import('better-sqlite3').Database }).db
      .prepare('SELECT sha256, last_result, version_id, lock_kept FROM offsite_copies ORDER BY sha256')
      .all() as never;
  }

  it('the WORM probe finds a bucket with Object Lock tamper-proof, single-part and multipart', async () => {
    const w = await world('ceph-probe-');
    try {
      const store = cephStore(ceph, 'locked', 'COMPLIANCE');
      const copier = testCopier(store, w.ledger, w.paths, w.clock, { now: () => new Date() });
      await copier.probe();
      const probe = w.ledger.lifecycle.latestProbe(store.description);
      assert.equal(probe?.outcome, 'worm', probe?.summary);
      assert.deepEqual(
        probe?.checks.map((c) => [c.name, c.ok]),
        [
          ['single lock kept', true],
          ['single delete refused', true],
          ['single survived', true],
          ['multipart lock kept', true],
          ['multipart delete refused', true],
          ['multipart survived', true],
        ],
      );
      await store.close();
    } finally {
      w.ledger.close();
      w.cleanup();
    }
  });

  it('the WORM probe catches a bucket that accepts lock settings but has no Object Lock', async () => {
    const w = await world('ceph-nolock-');
    try {
      const store = cephStore(ceph, 'unlocked', 'COMPLIANCE');
      const copier = testCopier(store, w.ledger, w.paths, w.clock, { now: () => new Date() });
      await copier.probe();
      const probe = w.ledger.lifecycle.latestProbe(store.description);
      assert.equal(probe?.outcome, 'not-worm');
      assert.ok(probe?.checks.some((c) => c.name === 'multipart delete refused' && !c.ok));
      const alerts = w.ledger.queries.openAlerts();
      assert.ok(alerts.some((a) => a.kind === 'offsite-not-worm' && a.severity === 'critical'));
      await store.close();
    } finally {
      w.ledger.close();
      w.cleanup();
    }
  });

  it('copies each clip, verifies it by reading it back, and locks it until its retention end', async () => {
    const w = await world('ceph-copy-');
    try {
      const clips = await sealFiles(w.ledger, w.paths, w.clock, [3000, 12 * MiB + 17]);
      const store = cephStore(ceph, 'locked', 'COMPLIANCE', 'copy/');
      const copier = testCopier(store, w.ledger, w.paths, w.clock);
      await copier.drain();
      const rows = copyRows(w.ledger);
      assert.equal(rows.length, 2);
      for (const r of rows) {
        assert.equal(r.last_result, 'ok');
        assert.equal(r.lock_kept, 1);
      }
      // The multipart object (Object Lock headers would be ignored on it): retention read from Ceph itself.
      const big = clips[1]!;
      const row = rows.find((r) => r.sha256 === big.sha256)!;
      const at = { Bucket: 'locked', Key: `copy/${footageKey(big.sha256)}`, VersionId: row.version_id };
      const retention = await s3.send(new GetObjectRetentionCommand(at));
      assert.equal(retention.Retention?.Mode, 'COMPLIANCE');
      assert.equal(
        retention.Retention?.RetainUntilDate?.toISOString(),
        monthsAfter(big.recordingStart!, 6, TEST_POLICY.timeZone).toISOString(),
      );
      await assert.rejects(
        s3.send(new DeleteObjectCommand(at)),
        (e: { name?: string }) => e.name === 'AccessDenied',
      );
      // Idempotent: nothing more is written on a second pass.
      const counted = countingStore(store);
      await testCopier(counted, w.ledger, w.paths, w.clock).drain();
      assert.deepEqual(counted.calls, { putObject: 0, uploadPart: 0, read: 0 });
      await store.close();
    } finally {
      w.ledger.close();
      w.cleanup();
    }
  });

  it('never overwrites: a wrong object already at the key is read back, caught and not counted', async () => {
    const w = await world('ceph-wrong-');
    try {
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [5000]);
      const key = `wrong/${footageKey(clip!.sha256)}`;
      await s3.send(new PutObjectCommand({ Bucket: 'locked', Key: key, Body: Buffer.alloc(5000, 7) }));
      const store = cephStore(ceph, 'locked', 'COMPLIANCE', 'wrong/');
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      assert.equal(copyRows(w.ledger)[0]?.last_result, 'mismatch');
      const alert = w.ledger.queries.openAlerts().find((a) => a.kind === 'offsite-copy-mismatch');
      assert.equal(alert?.severity, 'critical');
      assert.equal(alert?.subject, `clip:${clip!.id}`);
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'locked', Prefix: key }));
      assert.equal(versions.Versions?.length, 1, 'the dock wrote no second version over it');
      assert.equal(
        w.ledger.lifecycle.copyBacklog(store.description).clips,
        0,
        'a mismatch waits for a person',
      );
      await store.close();
    } finally {
      w.ledger.close();
      w.cleanup();
    }
  });

  it('resumes a multipart upload after the copier is killed mid-upload, sending only the missing parts', async () => {
    const w = await world('ceph-kill-');
    try {
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [30 * MiB + 5]);
      w.ledger.close();
      const journalFile = path.join(w.paths.stateDir, 'offsite', 'uploads', `${clip!.sha256}.json`);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(REPO_ROOT, 'test/fixtures/offsite/copy-child.ts'),
          w.paths.stateDir,
          ceph.endpoint,
          'locked',
          ceph.credentials.accessKeyId,
          ceph.credentials.secretAccessKey,
          String(8 * MiB),
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const lines = createInterface({ input: child.stdout! });
      await new Promise<void>((resolve) => lines.once('line', () => resolve()));
      const partsIn = async () => {
        try {
          return (JSON.parse(await fsp.readFile(journalFile, 'utf8')) as { parts: unknown[] }).parts.length;
        } catch {
          return 0;
        }
      };
      for (let i = 0; i < 600 && (await partsIn()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await exited;
      const journaled = await partsIn();
      assert.ok(journaled >= 2 && journaled < 7, `killed mid-upload with ${journaled} parts journaled`);

      w.ledger = await openTestLedger(w.paths, w.clock);
      const store = countingStore(cephStore(ceph, 'locked', 'COMPLIANCE'));
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      assert.equal(store.calls.uploadPart, 7 - journaled, 'only the missing parts are sent');
      assert.equal(copyRows(w.ledger).find((r) => r.sha256 === clip!.sha256)?.last_result, 'ok');
      await assert.rejects(fsp.access(journalFile), 'the journal entry is gone once complete');
      await store.close();
    } finally {
      w.ledger.close();
      w.cleanup();
    }
  });

  it('survives days offline: retries with capped backoff, and restarts an upload the store forgot', async () => {
    const w = await world('ceph-offline-');
    const { sleep, delays } = recordingSleep(5);
    const copiers: OffsiteCopier[] = [];
    try {
      const clips = await sealFiles(w.ledger, w.paths, w.clock, [20 * MiB, 4000]);
      const store = cephStore(ceph, 'locked', 'COMPLIANCE', 'offline/');
      // Start an upload and stop the copier after two parts, as a stop of dockd would.
      const first = testCopier(store, w.ledger, w.paths, w.clock, {
        bytesPerSecond: 8 * MiB,
        partConcurrency: 1,
      });
      first.start();
      const journal = new UploadJournal(path.join(w.paths.stateDir, 'offsite', 'uploads'), silentLogger());
      for (let i = 0; i < 600; i++) {
        const rec = await journal.load(clips[0]!.sha256);
        if (rec && rec.parts.length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await first.stop();
      const rec = await journal.load(clips[0]!.sha256);
      assert.ok(rec && rec.parts.length >= 2 && rec.parts.length < 4);
      // While the dock is down, the store expires the incomplete upload; then the link goes.
      await s3.send(
        new AbortMultipartUploadCommand({
          Bucket: 'locked',
          Key: `offline/${rec.key}`,
          UploadId: rec.uploadId,
        }),
      );
      await ceph.stopGateway();
      const copier = testCopier(store, w.ledger, w.paths, w.clock, { sleep, pollMs: 50 });
      copiers.push(copier);
      copier.start();
      await waitFor(() => delays.length >= 12, 'a dozen failed attempts');
      assert.match(copier.status().lastError ?? '', /ECONNREFUSED|connect/i);
      assert.ok(
        delays.every((d) => d <= 600_000),
        'backoff is capped at 10 minutes',
      );
      assert.ok(
        delays.slice(-3).every((d) => d >= 300_000),
        'and has grown to it',
      );
      w.clock.advance(3 * 86_400_000);
      await ceph.startGateway();
      await waitFor(
        () => copyRows(w.ledger).filter((r) => r.last_result === 'ok').length === 2,
        'both copies verified',
      );
      await copier.stop();
      const again = await journal.load(clips[0]!.sha256);
      assert.equal(again, null, 'the new upload completed and left the journal');
      await store.close();
    } finally {
      for (const c of copiers) await c.stop();
      await ceph.startGateway();
      w.ledger.close();
      w.cleanup();
    }
  });
});
