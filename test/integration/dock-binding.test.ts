import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeZfyInfo } from '../../drivers/ga-sdk/zfy-info.ts';
import { DockFixture, dock } from '../fixtures/dock/dock-fixture.ts';

describe('binding a recorder to an officer', () => {
  let fx: DockFixture;
  before(async () => {
    fx = await DockFixture.create();
  });
  after(() => fx.close());

  for (const kind of ['ga-sdk', 'serial'] as const) {
    it(`writes the bound officer into a ${kind} recorder at its next docking, and only once`, async () => {
      const sim = await fx.recorder({ kind, clips: [] });
      const serial = sim.identity.serial;
      fx.ledger.registerOfficer({ officerNo: '320777', name: '赵六', unit: '城关镇综合执法队' });
      fx.ledger.access.bindRecorder(serial, '320777', 'mgr-1');
      const first = await dock(fx, sim);
      assert.equal(first.outcome, 'complete');
      assert.equal(first.officerNo, sim.identity.userNo, 'the session keeps who used it this shift');
      const onDevice = decodeZfyInfo(sim.model.identityRaw(), 'sim');
      assert.equal(onDevice.userNo, '320777');
      assert.equal(onDevice.userName, '赵六');
      assert.equal(onDevice.unitName, '城关镇综合执法队');
      assert.equal(onDevice.serial, serial, 'the device serial is kept');
      const steps = fx.ledger.sessionRecords.steps(first.sessionId!).map((s) => s.step);
      assert.ok(steps.includes('officer-written'));
      await sim.unplug();
      const second = await dock(fx, sim);
      assert.equal(second.officerNo, '320777', 'the next shift is recorded under the bound officer');
      const again = fx.ledger.sessionRecords.steps(second.sessionId!).map((s) => s.step);
      assert.ok(!again.includes('officer-written'), 'nothing to write when the device already matches');
      await sim.unplug();
      await sim.close();
    });
  }
});
