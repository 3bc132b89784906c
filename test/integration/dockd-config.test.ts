import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../agent/access/accounts.ts';
import type { DockResult } from '../../agent/dock/dock-session.ts';
import { type Dockd, startDockd } from '../../agent/main.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { WebClient } from '../fixtures/web/web-fixture.ts';
import { testConfig } from '../helpers/test-config.ts';

const H = 3_600_000;
const PASSWORD = 'dockd-config-2026';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dockd runs on the validated configuration', () => {
  let root: string;
  let dockd: Dockd;
  const bus = new SimBus();
  const results: DockResult[] = [];
  const sims: SimRecorder[] = [];

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dockd-config-'));
    const config = testConfig(path.join(root, 'state'), { rules: { faultReportHours: 48 } });
    dockd = await startDockd(config, { kind: 'sim', bus }, silentLogger(), {
      onResult: (r) => results.push(r),
    });
    await new AccountService({ ledger: dockd.ledger }).add({
      username: 'manager',
      role: 'manager',
      officerNo: null,
      password: PASSWORD,
      by: null,
    });
  });
  after(async () => {
    await dockd.stop();
    for (const sim of sims) await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  it('rules.faultReportHours sets the R8 deadline of a fault report', () => {
    dockd.ledger.registerRecorder({ serial: 'F000001', model: 'sim', vendor: 'Example vendor' });
    const fault = dockd.ledger.reportFault({
      serial: 'F000001',
      reportedBy: 'manager',
      observedAt: new Date(Date.now() - 30 * H),
      description: 'the lens is cracked',
    });
    assert.equal(fault.deadlineHours, 48);
    assert.equal(fault.deadlineMet, true, 'reported 30 h after it was seen: within 48 h, not within 24 h');
  });

  it('a recorder the manager accepts on the page is docked at once while it is still in the dock', async () => {
    const sim = await SimRecorder.create({ kind: 'mass-storage', bus, dir: path.join(root, 'sim') });
    sims.push(sim);
    const serial = sim.identity.serial;
    const ofSim = () => results.filter((r) => r.serial === serial);
    await sim.plug();
    await waitFor(() => ofSim().length === 1, 'the unknown recorder to be held');
    assert.equal(ofSim()[0]?.outcome, 'held');

    const page = new WebClient(dockd.web.url);
    assert.equal((await page.login('manager', PASSWORD)).status, 303);
    const res = await page.post(`/recorders/${serial}/accept`, { back: '/' });
    assert.equal(res.status, 303);
    await waitFor(() => ofSim().length === 2, 'the accepted recorder to be docked again');
    const second = ofSim()[1];
    assert.equal(second?.outcome, 'complete');
    assert.equal(second?.sealed, sim.clips.length, 'every clip sealed without unplugging it');
  });
});
