import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DockResult } from '../../agent/dock/dock-session.ts';
import { decideHeldRecorder } from '../../agent/dock/held-recorders.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { startDockd } from '../../agent/main.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { testConfig } from '../helpers/test-config.ts';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dockd copies what it seals off-site', () => {
  it('each clip sealed at a docking gets a verified copy on the configured store (the folder default)', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'dockd-offsite-'));
    const bus = new SimBus();
    const results: DockResult[] = [];
    const config = testConfig(path.join(root, 'state'));
    const dockd = await startDockd(config, { kind: 'sim', bus }, silentLogger(), {
      onResult: (r) => results.push(r),
    });
    const sim = await SimRecorder.create({ kind: 'mass-storage', bus, dir: path.join(root, 'sim') });
    try {
      await sim.plug();
      await waitFor(() => results.length === 1, 'the unknown recorder to be held');
      decideHeldRecorder(dockd.ledger, sim.identity.serial, 'accept', 'test');
      dockd.manager.recheck(sim.identity.serial);
      await waitFor(() => results.length === 2, 'the docking');
      const clips = dockd.ledger.queries.sessionClips(results[1]!.sessionId as string);
      assert.ok(clips.length > 0);
      const store = dockd.lifecycle.store.description;
      assert.equal(store, `folder:${path.join(root, 'state', 'offsite-copy')}`);
      await waitFor(
        () =>
          clips.every((c) => dockd.ledger.lifecycle.copiesOf(c.sha256).some((o) => o.lastResult === 'ok')),
        'every clip copied and verified',
      );
      assert.equal(dockd.ledger.lifecycle.copyBacklog(store).clips, 0);
      assert.equal(dockd.lifecycle.store.offsite, false, 'the embedded default is labelled not off-site');
    } finally {
      await dockd.stop();
      await sim.close();
    }
    assert.equal((await verifyLedger({ paths: config.paths, files: true })).ok, true);
    await rm(root, { recursive: true, force: true });
  });
});
