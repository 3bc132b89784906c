import assert from 'node:assert/strict';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { sha256OfFile } from '../../agent/ledger/verify/verify-vault.ts';
import { FetchBack } from '../../agent/lifecycle/fetch-back.ts';
import { FetchBackError } from '../../agent/lifecycle/lifecycle-errors.ts';
import { syncLocks } from '../../agent/lifecycle/lock-sync.ts';
import { scrub } from '../../agent/lifecycle/scrub.ts';
import { freeSpace, spaceForecast } from '../../agent/lifecycle/space-keeper.ts';
import { footageKey, labelKey } from '../../agent/offsite/object-keys.ts';
import { sealFiles, testCopier } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { LockingStoreDouble } from '../fixtures/offsite/store-doubles.ts';

const DAY = 86_400_000;

/** Flip one byte of a file in place (as a failing disk would). */
async function corrupt(file: string): Promise<void> {
  await fsp.chmod(file, 0o640);
  const handle = await fsp.open(file, 'r+');
  const b = Buffer.alloc(1);
  await handle.read(b, 0, 1, 10);
  b[0] = (b[0] as number) ^ 0x55;
  await handle.write(b, 0, 1, 10);
  await handle.close();
}

describe('scrub: local and off-site copies re-hashed; a mismatch is an alert, never repaired', () => {
  it('catches a corrupted off-site object and a corrupted vault file', async () => {
    const w = await lifecycleWorld('scrub-', new Date().toISOString());
    try {
      const clips = await sealFiles(w.ledger, w.paths, w.clock, [4096, 5000, 6000]);
      const storeDir = path.join(w.dir, 'store');
      const store = new LockingStoreDouble(storeDir, new Set(), w.clock.now);
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      await corrupt(path.join(storeDir, footageKey(clips[0]!.sha256)));
      const vaultFile = vaultPathFor(w.paths.vaultDir, clips[1]!.sha256);
      await corrupt(vaultFile);
      const corrupted = readFileSync(vaultFile);
      w.clock.advance(DAY);
      const report = await scrub(w.deps(store));
      assert.deepEqual(report, { local: { checked: 3, bad: 1 }, offsite: { checked: 3, bad: 1 } });
      assert.equal(w.ledger.lifecycle.copiesOf(clips[0]!.sha256)[0]?.lastResult, 'mismatch');
      const alerts = w.ledger.queries.openAlerts();
      const offsite = alerts.find((a) => a.kind === 'offsite-copy-mismatch');
      const local = alerts.find((a) => a.kind === 'vault-copy-mismatch');
      assert.equal(offsite?.severity, 'critical');
      assert.equal(offsite?.subject, `clip:${clips[0]!.id}`);
      assert.equal(local?.subject, `clip:${clips[1]!.id}`);
      assert.deepEqual(readFileSync(vaultFile), corrupted, 'not repaired from the off-site copy');
      assert.ok(
        !w.ledger.lifecycle.evictionCandidates(10).some((c) => c.sha256 === clips[0]!.sha256),
        'a copy that failed its scrub no longer counts',
      );
      const verify = await verifyLedger({ paths: w.paths, files: true });
      assert.deepEqual(Object.keys(verify.counts), ['vault-mismatch']);
    } finally {
      w.cleanup();
    }
  });

  it('re-hashes every held file at least monthly, whatever the sample', async () => {
    const w = await lifecycleWorld('scrub-held-', new Date().toISOString());
    try {
      const [held, plain] = await sealFiles(w.ledger, w.paths, w.clock, [4096, 5000]);
      const store = new LockingStoreDouble(path.join(w.dir, 'store'), new Set(), w.clock.now);
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      w.ledger.lifecycle.placeHold({
        scope: 'clip',
        clipId: held!.id,
        ground: 'obstruction',
        caseName: '阻碍执法案',
        caseNo: '(2025)综执字第3号',
        placedBy: 'sup',
      });
      const deps = w.deps(store, {
        settings: { purgeGraceDays: 30, evictBelowPercent: 5, scrubDailyFraction: 0 },
      });
      assert.deepEqual(await scrub(deps), { local: { checked: 0, bad: 0 }, offsite: { checked: 0, bad: 0 } });
      w.clock.advance(31 * DAY);
      assert.deepEqual(await scrub(deps), { local: { checked: 1, bad: 0 }, offsite: { checked: 1, bad: 0 } });
      assert.equal(
        w.ledger.lifecycle.copiesOf(plain!.sha256)[0]?.lastPurpose,
        'copy',
        'the other was not sampled',
      );
      assert.equal(w.ledger.lifecycle.copiesOf(held!.sha256)[0]?.lastPurpose, 'scrub');
    } finally {
      w.cleanup();
    }
  });
});

describe('space: eviction of routine clips verified off-site, fetched back when needed', () => {
  it('evicts only routine, unheld clips with a verified off-site copy; the evicted clip is fetched back and verified', async () => {
    const w = await lifecycleWorld('evict-', new Date().toISOString());
    try {
      const [routine, held, evidence] = await sealFiles(w.ledger, w.paths, w.clock, [4096, 5000, 6000]);
      const storeDir = path.join(w.dir, 'store');
      const store = new LockingStoreDouble(storeDir, new Set(), w.clock.now);
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      const [single] = await sealFiles(w.ledger, w.paths, w.clock, [7000], 'ZFY0002');
      w.ledger.lifecycle.placeHold({
        scope: 'clip',
        clipId: held!.id,
        ground: 'incident',
        caseName: '群体性事件',
        caseNo: '(2025)综执字第5号',
        placedBy: 'mgr',
      });
      w.ledger.access.labelClip({ clipId: evidence!.id, caseNo: '(2025)综执罚字第1号', labelledBy: 'mgr' });
      w.space = { freeBytes: 1e9, totalBytes: 100e9 };
      const deps = w.deps(store);
      assert.deepEqual(await freeSpace(deps), { files: 1, bytes: 4096 });
      for (const c of [held, evidence, single])
        assert.equal(existsSync(vaultPathFor(w.paths.vaultDir, c!.sha256)), true);
      const file = vaultPathFor(w.paths.vaultDir, routine!.sha256);
      assert.equal(existsSync(file), false);
      assert.equal(
        w.ledger.queries.openAlerts().find((a) => a.kind === 'clips-evicted')?.severity,
        'warning',
      );
      const verify = await verifyLedger({ paths: w.paths, files: true });
      assert.equal(verify.ok, true, JSON.stringify(verify.findings));
      assert.deepEqual(verify.stats.vaultAbsent, { purged: 0, recoverable: 0, evicted: 1 });
      assert.throws(
        () => w.ledger.lifecycle.recordEviction({ sha256: single!.sha256, freePercent: 1 }),
        /no verified off-site copy/,
      );

      const fetchBack = new FetchBack(deps);
      const [a, b] = await Promise.all([
        fetchBack.ensureLocal(routine!.sha256),
        fetchBack.ensureLocal(routine!.sha256),
      ]);
      assert.equal(a, file);
      assert.equal(b, file);
      assert.equal(await sha256OfFile(file), routine!.sha256);
      assert.equal(w.ledger.lifecycle.isEvicted(routine!.sha256), false);
      assert.equal(w.ledger.lifecycle.copiesOf(routine!.sha256)[0]?.lastPurpose, 'fetch');

      // Evicted again, and the off-site copy went bad meanwhile: nothing wrong is put back.
      await freeSpace(deps);
      assert.equal(existsSync(file), false);
      await corrupt(path.join(storeDir, footageKey(routine!.sha256)));
      await assert.rejects(fetchBack.ensureLocal(routine!.sha256), FetchBackError);
      assert.equal(existsSync(file), false);
      assert.equal(
        w.ledger.queries.openAlerts().find((a) => a.kind === 'offsite-copy-mismatch')?.severity,
        'critical',
      );
      const forecast = await spaceForecast(deps);
      assert.equal(forecast.daysToFull, Math.floor(1e9 / ((4096 + 5000 + 6000 + 7000) / 30)));
    } finally {
      w.cleanup();
    }
  });

  it('a held clip is labelled off-site with unit, maker, time and case (secure store), and a missing second copy is an alert', async () => {
    const w = await lifecycleWorld('labels-', new Date().toISOString());
    try {
      w.ledger.registerOfficer({
        officerNo: '310001',
        name: '张三',
        unit: '某镇综合行政执法队',
        certNo: null,
      });
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [4096], 'ZFY0001', '310001');
      const store = new LockingStoreDouble(path.join(w.dir, 'store'), new Set(), w.clock.now);
      w.ledger.lifecycle.placeHold({
        scope: 'recorder',
        serial: 'ZFY0001',
        from: new Date(w.clock.now().getTime() - DAY),
        to: new Date(w.clock.now().getTime() + DAY),
        ground: 'major',
        caseName: '重大敏感事项',
        caseNo: '(2025)综执字第8号',
        placedBy: 'mgr',
      });
      let report = await syncLocks(w.deps(store));
      assert.equal(report.heldWithoutCopy, 1);
      assert.equal(
        w.ledger.queries.openAlerts().find((a) => a.kind === 'held-copy-missing')?.subject,
        `clip:${clip!.id}`,
      );
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      report = await syncLocks(w.deps(store));
      assert.deepEqual(report, { relocked: 0, labelled: 1, heldWithoutCopy: 0 });
      assert.equal(
        w.ledger.queries.openAlerts().find((a) => a.kind === 'held-copy-missing'),
        undefined,
      );
      const label = JSON.parse(readFileSync(path.join(w.dir, 'store', labelKey(clip!.sha256)), 'utf8'));
      assert.equal(label.clips[0].unit, '某镇综合行政执法队');
      assert.deepEqual(label.clips[0].maker, { officerNo: '310001', name: '张三' });
      assert.equal(label.clips[0].recordingStart, clip!.recordingStart?.toISOString());
      assert.deepEqual(label.holds[0], {
        ground: 'major',
        caseName: '重大敏感事项',
        caseNo: '(2025)综执字第8号',
        placedAt: label.holds[0].placedAt,
      });
      const [copy] = w.ledger.lifecycle.copiesOf(clip!.sha256);
      assert.equal(copy?.legalHold, true, 'copied while held: the legal hold was set with the copy');
      assert.equal(report.labelled, 1);
      assert.equal((await syncLocks(w.deps(store))).labelled, 0, 'an unchanged label is not written again');
    } finally {
      w.cleanup();
    }
  });
});
