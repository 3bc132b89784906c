import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice } from '../../drivers/contract/ports.ts';
import {
  DeviceGoneError,
  IdentityMismatchError,
  ProtocolError,
  SerialTimeoutError,
} from '../../drivers/errors.ts';
import { encodeFrame } from '../../drivers/serial/frame.ts';
import { createMemoryLinkPair } from '../../drivers/serial/memory-link.ts';
import { SerialClient } from '../../drivers/serial/serial-client.ts';
import { SerialRecorderDriver, type SerialSettings } from '../../drivers/serial/serial-driver.ts';
import { MemoryDeviceModel } from '../../drivers/sim/device-model.ts';
import { type FirmwareFaults, SimFirmware } from '../../drivers/sim/sim-firmware.ts';

const identity = {
  serial: 'B765432',
  userNo: '000777',
  userName: '张三',
  unitNo: '441900000001',
  unitName: '城关镇综合行政执法队',
};
const device = {
  key: 'tty:1209:0003:B765432:if00',
  match: { model: 'DSJ-EXAMPLE-ACM', vendor: 'Example vendor' },
} as DetectedDevice;
const HOST_NOW = new Date('2026-11-21T02:00:00Z');

function rig(faults: FirmwareFaults = {}, settings: Partial<SerialSettings> = {}) {
  const [host, dev] = createMemoryLinkPair();
  const model = new MemoryDeviceModel(identity);
  let now = HOST_NOW.getTime();
  const clock = () => new Date(now);
  const firmware = new SimFirmware(dev, model, { now: clock, faults });
  const open = () =>
    SerialRecorderDriver.open({
      device,
      link: host,
      settings: { password: '888888', timeoutMs: 60, retries: 2, busyDelayMs: 5, ...settings },
      log: silentLogger(),
      now: clock,
    });
  return { host, dev, model, firmware, open, advance: (ms: number) => (now += ms) };
}

describe('serial driver over the simulated firmware (memory link)', () => {
  it('identifies the recorder, reads its skewed clock, battery and storage', async () => {
    const r = rig();
    r.model.skew = -300_000;
    r.model.batteryPct = 41;
    const drv = await r.open();
    const id = await drv.identify();
    assert.equal(id.officerName, '张三');
    assert.equal(id.unitName, '城关镇综合行政执法队');
    assert.equal(id.model, 'DSJ-EXAMPLE-ACM');
    const clock = await drv.readClock();
    assert.equal(clock.skewMs, -300_000);
    assert.equal(await drv.battery(), 41);
    assert.deepEqual(await drv.storage(), r.model.card);
    assert.equal(await drv.idCode(), 'ZFYSIM01');
  });

  it('sets the clock, then reads identity and clock back', async () => {
    const r = rig();
    r.model.skew = 3_600_000;
    const drv = await r.open();
    const res = await drv.syncClock();
    assert.equal(res.method, 'set-time');
    assert.equal(res.readBack?.skewMs, 0);
    assert.equal(r.model.skew, 0);
    assert.deepEqual(r.firmware.received.slice(-4), ['INFO', 'STIME', 'INFO', 'TIME']);
  });

  it('rejects a write the device does not keep', async () => {
    const r = rig();
    const drv = await r.open();
    r.model.writeIdentityRaw = () => {};
    await assert.rejects(
      drv.writeIdentity({ ...identity, userNo: '000888' }),
      (e: unknown) => e instanceof IdentityMismatchError && e.fields.includes('userNo'),
    );
  });

  it('tolerates a boot banner, unsolicited lines, noise before frames and echo', async () => {
    const r = rig({
      banner: ['U-Boot 2019.04', '\u0000\u00ff garbage'],
      unsolicited: true,
      noisePrefix: true,
      echo: true,
    });
    await r.firmware.boot();
    const drv = await r.open();
    assert.equal((await drv.identify()).serial, 'B765432');
    assert.ok(drv.stats.noiseLines >= 2);
    assert.ok(drv.stats.unsolicited >= 1);
    assert.ok(drv.stats.staleFrames >= 1, 'echoed requests are skipped');
    assert.equal(drv.stats.retries, 0);
  });

  it('retries with the same sequence number after a lost or corrupt answer, without acting twice', async () => {
    const r = rig();
    const drv = await r.open();
    r.model.skew = 10_000;
    r.firmware.faults.corruptNext = 1;
    r.firmware.faults.dropNext = 1;
    await drv.syncClock();
    assert.equal(drv.stats.retries, 2);
    assert.ok(drv.stats.badFrames >= 1);
    assert.equal(
      r.firmware.received.filter((c) => c === 'INFO').length,
      4,
      'the dropped INFO was sent again',
    );
  });

  it('retries BUSY with a new sequence number and gives up with SerialTimeoutError on silence', async () => {
    const r = rig();
    const drv = await r.open();
    r.firmware.faults.busyNext = 1;
    assert.equal(await drv.battery(), 80);
    r.firmware.faults.dropNext = 10;
    await assert.rejects(drv.battery(), SerialTimeoutError);
  });

  it('refuses a wrong password with the device code', async () => {
    const r = rig({}, { password: 'wrong' });
    await assert.rejects(r.open(), (e: unknown) => e instanceof ProtocolError && e.deviceCode === 'AUTH');
  });

  it('reports DeviceGoneError at once when the port closes mid-request', async () => {
    const r = rig();
    const drv = await r.open();
    r.firmware.faults.dropNext = 1;
    const pending = drv.battery();
    setTimeout(() => void r.dev.close(), 5);
    await assert.rejects(pending, DeviceGoneError);
  });

  it('ignores stale answers and answers to other commands', async () => {
    const [host, dev] = createMemoryLinkPair();
    const client = new SerialClient(host, { log: silentLogger(), timeoutMs: 100 });
    dev.onData(async () => {
      await dev.write(encodeFrame({ seq: 99, cmd: 'BAT', args: ['OK', '1'] }));
      await dev.write(encodeFrame({ seq: 1, cmd: 'TIME', args: ['OK', '2'] }));
      await dev.write(encodeFrame({ seq: 1, cmd: 'BAT', args: ['OK', '3'] }));
    });
    assert.deepEqual(await client.request('BAT'), ['3']);
    assert.equal(client.stats.staleFrames, 2);
  });
});
