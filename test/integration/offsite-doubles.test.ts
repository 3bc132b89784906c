import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { alertText } from '../../agent/i18n/alert-text.ts';
import { FolderOffsiteStore } from '../../agent/offsite/folder-store.ts';
import { footageKey } from '../../agent/offsite/object-keys.ts';
import { probeWorm } from '../../agent/offsite/worm-probe.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { latinWords } from '../browser/latin-words.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { sealFiles, testCopier } from '../fixtures/offsite/copy-fixture.ts';
import { bodyOf, type Lie, LockingStoreDouble } from '../fixtures/offsite/store-doubles.ts';

const MiB = 1024 * 1024;

async function probeWith(lies: Lie[]) {
  const { dir, cleanup } = tempState('probe-double-');
  try {
    const store = new LockingStoreDouble(path.join(dir, 'store'), new Set(lies));
    return await probeWorm({
      store,
      workDir: path.join(dir, 'work'),
      logger: silentLogger(),
      now: () => new Date(),
    });
  } finally {
    cleanup();
  }
}

describe('the WORM probe never takes a store at its word (store doubles)', () => {
  it('an honest locking store passes', async () => {
    const r = await probeWith([]);
    assert.equal(r.outcome, 'worm', r.summary);
    assert.equal(r.checks.length, 6);
  });

  it('catches a store that accepts a retention and a legal hold and keeps neither', async () => {
    const r = await probeWith(['drops-retention']);
    assert.equal(r.outcome, 'not-worm');
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.ok(failed.includes('single lock kept') && failed.includes('multipart lock kept'), failed.join());
    assert.match(r.summary, /not tamper-proof/);
  });

  it('catches a store that reports the lock but deletes the locked version', async () => {
    const r = await probeWith(['deletes-locked']);
    assert.equal(r.outcome, 'not-worm');
    assert.deepEqual(
      r.checks.filter((c) => !c.ok).map((c) => c.name),
      ['single delete refused', 'single survived', 'multipart delete refused', 'multipart survived'],
    );
  });

  it('catches a store that answers 403 to the delete and deletes anyway', async () => {
    const r = await probeWith(['fake-refusal']);
    assert.equal(r.outcome, 'not-worm');
    assert.deepEqual(
      r.checks.filter((c) => !c.ok).map((c) => c.name),
      ['single survived', 'multipart survived'],
    );
  });

  it('catches a store without versions (a lock there cannot hold a version)', async () => {
    const r = await probeWith(['no-versions']);
    assert.equal(r.outcome, 'not-worm');
    assert.match(r.summary, /versioning is off/);
  });

  it('reports a folder store as unsupported: it is not tamper-proof', async () => {
    const { dir, cleanup } = tempState('probe-folder-');
    try {
      const store = new FolderOffsiteStore(path.join(dir, 'copy'));
      const r = await probeWorm({
        store,
        workDir: path.join(dir, 'w'),
        logger: silentLogger(),
        now: () => new Date(),
      });
      assert.equal(r.outcome, 'unsupported');
      assert.equal(store.offsite, false);
    } finally {
      cleanup();
    }
  });
});

describe('off-site copies against store doubles', () => {
  it('a store that returns other bytes than it was given is caught by the read-back', async () => {
    const { paths, dir, cleanup } = tempState('copy-flip-');
    const clock = new FakeClock(new Date().toISOString());
    const ledger = await openTestLedger(paths, clock);
    try {
      const clips = await sealFiles(ledger, paths, clock, [4096, 9 * MiB]);
      const store = new LockingStoreDouble(path.join(dir, 'store'), new Set(['flips-bytes']), clock.now);
      await testCopier(store, ledger, paths, clock).drain();
      for (const c of clips) {
        const [copy] = ledger.lifecycle.copiesOf(c.sha256);
        assert.equal(copy?.lastResult, 'mismatch');
      }
      const alerts = ledger.queries.openAlerts().filter((a) => a.kind === 'offsite-copy-mismatch');
      assert.equal(alerts.length, 2);
      assert.ok(alerts.every((a) => a.severity === 'critical'));
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('a copy is locked until its retention end and the lock read back; a dropped lock is an alert', async () => {
    const { paths, dir, cleanup } = tempState('copy-lock-');
    const clock = new FakeClock(new Date().toISOString());
    const ledger = await openTestLedger(paths, clock);
    try {
      const [clip] = await sealFiles(ledger, paths, clock, [4096]);
      const honest = new LockingStoreDouble(path.join(dir, 'honest'), new Set(), clock.now);
      await testCopier(honest, ledger, paths, clock).drain();
      const [copy] = ledger.lifecycle.copiesOf(clip!.sha256);
      assert.equal(copy?.lastResult, 'ok');
      assert.equal(copy?.lockKept, true);
      const lock = await honest.lockState({
        key: footageKey(clip!.sha256),
        versionId: copy!.versionId,
        size: 4096,
      });
      assert.equal(lock.retainUntil?.toISOString(), copy?.retainUntil?.toISOString());
      const liar = new LockingStoreDouble(path.join(dir, 'liar'), new Set(['drops-retention']), clock.now);
      await testCopier(liar, ledger, paths, clock).drain();
      const alert = ledger.queries.openAlerts().find((a) => a.kind === 'offsite-lock-not-kept');
      assert.equal(alert?.severity, 'critical');
      // Issue 16: the Chinese text says what the store lacks from the facts, not the store's English.
      const wording = (lang: 'zh-CN' | 'en') => ({
        lang,
        recorder: (s: string) => s,
        bytes: String,
        time: (iso: string) => iso.slice(0, 16).replace('T', ' '),
      });
      const zh = alertText(alert!, wording('zh-CN'));
      assert.match(zh, /锁定至 无，应锁定至 \d{4}-\d\d-\d\d \d\d:\d\d/);
      assert.deepEqual(latinWords(zh, [liar.description]), [], zh);
      assert.match(alertText(alert!, wording('en')), /retained until never, not \d{4}-/);
      const onLiar = ledger.lifecycle.copiesOf(clip!.sha256).find((c) => c.store === liar.description);
      assert.equal(onLiar?.lockKept, false);
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('a vault file gone before any verified copy is a critical alert, and the rest still copy', async () => {
    const { paths, dir, cleanup } = tempState('copy-gone-');
    const clock = new FakeClock(new Date().toISOString());
    const ledger = await openTestLedger(paths, clock);
    try {
      const [gone, kept] = await sealFiles(ledger, paths, clock, [1000, 2000]);
      await fsp.chmod(path.join(paths.vaultDir, gone!.vaultRel), 0o640);
      await fsp.rm(path.join(paths.vaultDir, gone!.vaultRel));
      const store = new LockingStoreDouble(path.join(dir, 'store'), new Set(), clock.now);
      await testCopier(store, ledger, paths, clock).drain();
      assert.equal(ledger.lifecycle.copiesOf(kept!.sha256)[0]?.lastResult, 'ok');
      assert.equal(ledger.lifecycle.copiesOf(gone!.sha256).length, 0);
      const alert = ledger.queries.openAlerts().find((a) => a.kind === 'offsite-source-missing');
      assert.equal(alert?.subject, `clip:${gone!.id}`);
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('the folder store (the demo default) copies and verifies, labelled as not off-site', async () => {
    const { paths, dir, cleanup } = tempState('copy-folder-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    try {
      const clips = await sealFiles(ledger, paths, clock, [100, 9 * MiB + 3]);
      const store = new FolderOffsiteStore(path.join(dir, 'offsite-copy'));
      await testCopier(store, ledger, paths, clock).drain();
      for (const c of clips) {
        const [copy] = ledger.lifecycle.copiesOf(c.sha256);
        assert.equal(copy?.lastResult, 'ok');
        assert.equal(copy?.lockKept, null, 'a folder has no locks');
        assert.equal(copy?.store, `folder:${path.join(dir, 'offsite-copy')}`);
      }
      assert.equal(store.offsite, false);
      await assert.rejects(
        store.putObject(footageKey(clips[0]!.sha256), bodyOf(Buffer.alloc(0)), 0),
        /already exists .* never replaced/,
      );
    } finally {
      ledger.close();
      cleanup();
    }
  });
});
