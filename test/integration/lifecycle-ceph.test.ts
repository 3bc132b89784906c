import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DeleteObjectCommand,
  GetObjectLegalHoldCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { recoverableFile } from '../../agent/lifecycle/lifecycle-deps.ts';
import { syncLocks } from '../../agent/lifecycle/lock-sync.ts';
import { PurgeService } from '../../agent/lifecycle/purge-service.ts';
import { footageKey, labelKey } from '../../agent/offsite/object-keys.ts';
import type { CephCluster } from '../fixtures/offsite/ceph-cluster.ts';
import { cephStore, cephWithBuckets, sealFiles, testCopier } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';

const DAY = 86_400_000;

describe('R4 holds against a real Ceph with Object Lock', () => {
  let ceph: CephCluster;
  let s3: S3Client;

  before(async () => {
    ({ ceph, s3 } = await cephWithBuckets([['footage', true]]));
  });

  after(async () => {
    s3?.destroy();
    await ceph?.stop();
  });

  it('a hold blocks a purge locally and off-site (a legal hold the store enforces) until a supervisor lifts it', async () => {
    // Recorded 250 days ago: its retention has ended, so only the hold keeps it.
    const w = await lifecycleWorld('hold-ceph-', new Date(Date.now() - 250 * DAY).toISOString());
    const store = cephStore(ceph, 'footage', 'COMPLIANCE');
    try {
      const [clip, other] = await sealFiles(w.ledger, w.paths, w.clock, [5000, 6000]);
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      w.clock.advance(250 * DAY);
      const deps = w.deps(store);
      const purges = new PurgeService(deps);
      const purgeId = await purges.request({ clipIds: [clip!.id], by: 'mgr', reason: '无保存价值' });
      assert.equal(w.ledger.lifecycle.purge(purgeId)?.status, 'recoverable');

      // During the grace period the party disputes the enforcement: a hold (R4).
      const holdId = w.ledger.lifecycle.placeHold({
        scope: 'session',
        sessionId: clip!.sessionId,
        ground: 'dispute',
        caseName: '某商户占道经营案',
        caseNo: '(2025)综执罚字第9号',
        placedBy: 'mgr',
      });
      const report = await syncLocks(deps);
      assert.equal(report.relocked, 2, 'both clips of the session get a legal hold, verified');
      const [copy] = w.ledger.lifecycle.copiesOf(clip!.sha256);
      const at = { Bucket: 'footage', Key: `dock/${footageKey(clip!.sha256)}`, VersionId: copy!.versionId! };
      assert.equal((await s3.send(new GetObjectLegalHoldCommand(at))).LegalHold?.Status, 'ON');
      assert.equal(copy?.legalHold, true);
      assert.equal(copy?.lastPurpose, 'scrub', 'the held copy was read back when it was held');
      assert.equal(await store.head(labelKey(clip!.sha256)), null, 'no labels over plain http (R11)');

      // Past the grace period the purge does not run: not locally, not off-site.
      w.clock.advance(31 * DAY);
      await purges.settle();
      assert.equal(w.ledger.lifecycle.purge(purgeId)?.status, 'recoverable');
      assert.equal(existsSync(recoverableFile(deps, purgeId, clip!.sha256)), true);
      await s3.send(new HeadObjectCommand(at));
      await assert.rejects(
        s3.send(new DeleteObjectCommand(at)),
        (e: { name?: string }) => e.name === 'AccessDenied',
      );
      await assert.rejects(
        purges.request({ clipIds: [other!.id], by: 'mgr', reason: '无保存价值' }),
        /on hold/,
        'a new purge of held footage is refused',
      );

      // Only a supervisor lifts it, with a reason; then the purge completes everywhere.
      assert.throws(
        () => w.ledger.lifecycle.liftHold({ holdId, liftedBy: 'mgr', reason: '复议结束' }),
        /supervisor/,
      );
      w.ledger.lifecycle.liftHold({ holdId, liftedBy: 'sup', reason: '复议结束，维持原决定' });
      await syncLocks(deps);
      assert.equal((await s3.send(new GetObjectLegalHoldCommand(at))).LegalHold?.Status, 'OFF');
      await purges.settle();
      assert.equal(w.ledger.lifecycle.purge(purgeId)?.status, 'completed');
      assert.equal(existsSync(recoverableFile(deps, purgeId, clip!.sha256)), false);
      await assert.rejects(
        s3.send(new HeadObjectCommand(at)),
        (e: { name?: string }) => e.name === 'NotFound',
      );
    } finally {
      await store.close();
      w.cleanup();
    }
  });
});
