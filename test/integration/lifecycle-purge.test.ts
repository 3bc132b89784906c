import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LedgerStateError } from '../../agent/ledger/errors.ts';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { recoverableFile } from '../../agent/lifecycle/lifecycle-deps.ts';
import { PurgeRefusedError } from '../../agent/lifecycle/lifecycle-errors.ts';
import { PurgeService } from '../../agent/lifecycle/purge-service.ts';
import { expiredClips } from '../../agent/lifecycle/retention-review.ts';
import { footageKey } from '../../agent/offsite/object-keys.ts';
import { sealFiles, testCopier } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { LockingStoreDouble } from '../fixtures/offsite/store-doubles.ts';

const DAY = 86_400_000;

function events(w: { ledger: unknown }, type: string): Record<string, unknown>[] {
  const db = (w.ledger as { db: import('better-sqlite3').Database }).db;
  return (
    db.prepare('SELECT body FROM events WHERE type = ? ORDER BY seq').all(type) as { body: string }[]
  ).map((r) => (JSON.parse(r.body) as { data: Record<string, unknown> }).data);
}

describe('R3 purges: confirmed by the manager, approved for evidence, undoable, then deleted everywhere', () => {
  it('needs the confirmations, waits in the recoverable area, can be undone, and verify knows purged from missing', async () => {
    const w = await lifecycleWorld('purge-', '2025-01-10T02:00:00.000Z');
    try {
      const [routine, evidence, recent] = await sealFiles(w.ledger, w.paths, w.clock, [1000, 2000, 3000]);
      const store = new LockingStoreDouble(path.join(w.dir, 'store'), new Set(), w.clock.now);
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      w.ledger.access.labelClip({ clipId: evidence!.id, caseNo: '(2025)综执罚字第7号', labelledBy: 'mgr' });
      w.clock.advance(20 * DAY);
      w.ledger.lifecycle.closeCase({ caseNo: '(2025)综执罚字第7号', closedBy: 'mgr' });
      // The recent clip was recorded later: sealed again 200 days on.
      w.clock.advance(200 * DAY);
      const [fresh] = await sealFiles(w.ledger, w.paths, w.clock, [4000], 'ZFY0002');
      const deps = w.deps(store, { policy: { ...w.deps(null).policy, evidenceMonthsAfterClose: 0 } });
      const purges = new PurgeService(deps);

      assert.deepEqual(
        expiredClips(deps)
          .map((c) => c.clipId)
          .sort(),
        [routine!.id, evidence!.id, recent!.id].sort(),
        'all three of January are past their end; the fresh one is not',
      );
      await assert.rejects(
        purges.request({ clipIds: [fresh!.id], by: 'mgr', reason: 'no value' }),
        PurgeRefusedError,
      );
      await assert.rejects(
        purges.request({ clipIds: [routine!.id], by: 'off', reason: 'no value' }),
        (e: Error) => e instanceof LedgerStateError && /needs a manager/.test(e.message),
      );

      // Routine: staged at once, undoable within the grace period.
      const first = await purges.request({ clipIds: [routine!.id], by: 'mgr', reason: '无保存价值' });
      const vaultFile = vaultPathFor(w.paths.vaultDir, routine!.sha256);
      assert.equal(existsSync(vaultFile), false);
      assert.equal(existsSync(recoverableFile(deps, first, routine!.sha256)), true);
      let report = await verifyLedger({ paths: w.paths, files: true });
      assert.equal(report.ok, true, JSON.stringify(report.findings));
      assert.deepEqual(report.stats.vaultAbsent, { purged: 0, recoverable: 1, evicted: 0 });
      w.clock.advance(10 * DAY);
      await purges.undo({ purgeId: first, by: 'mgr', reason: '当事人提出复议' });
      assert.equal(existsSync(vaultFile), true, 'undo puts the file back');
      assert.equal(w.ledger.lifecycle.purge(first)?.status, 'undone');

      // Evidence: a supervisor, not the requester, must approve before anything moves.
      const second = await purges.request({
        clipIds: [evidence!.id, recent!.id],
        by: 'mgr',
        reason: '案件已结',
      });
      assert.equal(w.ledger.lifecycle.purge(second)?.status, 'requested');
      assert.equal(existsSync(vaultPathFor(w.paths.vaultDir, evidence!.sha256)), true);
      await assert.rejects(purges.approve({ purgeId: second, by: 'mgr' }), /needs a supervisor/);
      await purges.approve({ purgeId: second, by: 'sup' });
      assert.equal(w.ledger.lifecycle.purge(second)?.status, 'recoverable');

      // After the grace period: deleted locally and off-site, every step in the chain.
      w.clock.advance(31 * DAY);
      await purges.settle();
      const done = w.ledger.lifecycle.purge(second)!;
      assert.equal(done.status, 'completed');
      assert.deepEqual(
        done.deletions.map((d) => [d.place === 'local' ? 'local' : 'offsite', d.result]).sort(),
        [
          ['local', 'deleted'],
          ['local', 'deleted'],
          ['offsite', 'deleted'],
          ['offsite', 'deleted'],
        ],
      );
      assert.equal(await store.head(footageKey(evidence!.sha256)), null, 'gone off-site');
      await assert.rejects(
        purges.undo({ purgeId: second, by: 'mgr', reason: 'too late' }),
        /no longer be undone/,
      );
      report = await verifyLedger({ paths: w.paths, files: true });
      assert.equal(report.ok, true, JSON.stringify(report.findings));
      assert.deepEqual(report.stats.vaultAbsent, { purged: 2, recoverable: 0, evicted: 0 });
      // A file that vanishes without a purge is still missing.
      await fsp.chmod(path.dirname(vaultFile), 0o750);
      await fsp.rm(vaultFile, { force: true });
      report = await verifyLedger({ paths: w.paths, files: true });
      assert.deepEqual(Object.keys(report.counts), ['vault-missing']);
      const requested = events(w, 'purge.requested').at(-1)!;
      assert.equal(requested.requestedBy, 'mgr');
      assert.equal(requested.needsApproval, true);
      assert.deepEqual(events(w, 'purge.approved').at(-1)?.approvedBy, 'sup');
      assert.equal(events(w, 'purge.deleted').length, 4);
    } finally {
      w.cleanup();
    }
  });

  it('settles after a crash between the ledger record and the file move', async () => {
    const w = await lifecycleWorld('purge-crash-', '2025-01-10T02:00:00.000Z');
    try {
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [1000]);
      w.clock.advance(200 * DAY);
      const deps = w.deps(null);
      // The ledger says staged; the process died before moving the file.
      const purgeId = w.ledger.lifecycle.requestPurge({
        clipIds: [clip!.id],
        requestedBy: 'mgr',
        reason: 'no value',
        needsApproval: false,
      });
      w.ledger.lifecycle.stagePurge({ purgeId, graceDays: 30 });
      assert.equal(existsSync(vaultPathFor(w.paths.vaultDir, clip!.sha256)), true);
      await new PurgeService(deps).settle();
      assert.equal(existsSync(recoverableFile(deps, purgeId, clip!.sha256)), true);
      assert.equal((await verifyLedger({ paths: w.paths, files: true })).ok, true);
    } finally {
      w.cleanup();
    }
  });
});
