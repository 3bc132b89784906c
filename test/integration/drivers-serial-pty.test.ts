import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice, DeviceEvent } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { DeviceGoneError } from '../../drivers/errors.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';
import { SerialRecorderDriver } from '../../drivers/serial/serial-driver.ts';
import { openSerialLink } from '../../drivers/serial/serial-link.ts';
import { MemoryDeviceModel } from '../../drivers/sim/device-model.ts';
import { SimBus, simDriverFactory } from '../../drivers/sim/sim-bus.ts';
import { SIM_SERIAL_SETTINGS } from '../../drivers/sim/sim-defaults.ts';
import type { FirmwareFaults } from '../../drivers/sim/sim-firmware.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { SimSerialPort } from '../../drivers/sim/sim-serial-port.ts';

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
const log = silentLogger();
const now = () => new Date();

async function withPort<T>(
  model: MemoryDeviceModel,
  faults: FirmwareFaults,
  body: (p: SimSerialPort) => Promise<T>,
) {
  const port = await SimSerialPort.open(model, { now, faults });
  try {
    return await body(port);
  } finally {
    await port.close();
  }
}

describe('serial channel over a real pty pair (socat) with the simulated firmware', () => {
  it('identifies, reads and sets the clock, reads battery and storage', async () => {
    const model = new MemoryDeviceModel(identity);
    model.skew = -90_000;
    model.batteryPct = 55;
    await withPort(model, {}, async (port) => {
      const drv = await SerialRecorderDriver.open({
        device,
        link: await openSerialLink(port.hostPath),
        settings: SIM_SERIAL_SETTINGS,
        log,
        now,
      });
      try {
        assert.equal((await drv.identify()).unitName, '城关镇综合行政执法队');
        const clock = await drv.readClock();
        assert.ok(Math.abs(clock.skewMs + 90_000) < 1500, `skew ${clock.skewMs}`);
        const set = await drv.syncClock();
        assert.ok(set.readBack && Math.abs(set.readBack.skewMs) < 1500);
        assert.ok(Math.abs(model.skew) < 1000);
        assert.equal(await drv.battery(), 55);
        assert.equal((await drv.storage()).freeBytes, model.card.freeBytes);
      } finally {
        await drv.release();
      }
    });
  });

  it('survives a noisy line: banner, unsolicited messages, garbage, lost and corrupt answers', async () => {
    const model = new MemoryDeviceModel(identity);
    const faults = {
      banner: ['BOOT ZFY v3.1', '\u0001\u0002\u00ff'],
      unsolicited: true,
      noisePrefix: true,
      dropNext: 1,
      corruptNext: 1,
    };
    await withPort(model, faults, async (port) => {
      const drv = await SerialRecorderDriver.open({
        device,
        link: await openSerialLink(port.hostPath),
        settings: SIM_SERIAL_SETTINGS,
        log,
        now,
      });
      try {
        assert.equal((await drv.identify()).serial, 'B765432');
        assert.equal(drv.stats.retries, 2);
        assert.ok(
          drv.stats.noiseLines >= 2 && drv.stats.unsolicited >= 1 && drv.stats.badFrames >= 1,
          JSON.stringify(drv.stats),
        );
        assert.deepEqual(port.firmware.received.slice(0, 4), ['HELLO', 'HELLO', 'HELLO', 'INFO']);
      } finally {
        await drv.release();
      }
    });
  });

  it('opens the port exclusively', async () => {
    await withPort(new MemoryDeviceModel(identity), {}, async (port) => {
      const first = await openSerialLink(port.hostPath);
      try {
        await assert.rejects(openSerialLink(port.hostPath), DeviceGoneError);
      } finally {
        await first.close();
      }
    });
  });

  it('reports DeviceGoneError when the recorder is pulled mid-session', async () => {
    const model = new MemoryDeviceModel(identity);
    const port = await SimSerialPort.open(model, { now });
    const drv = await SerialRecorderDriver.open({
      device,
      link: await openSerialLink(port.hostPath),
      settings: SIM_SERIAL_SETTINGS,
      log,
      now,
    });
    await port.close();
    await assert.rejects(drv.battery(), DeviceGoneError);
    await drv.release();
  });
});

describe('simulated serial recorder end to end', () => {
  it('arrives on its tty, switches to mass storage, and comes back as a disk tied to it', async () => {
    const bus = new SimBus();
    const watcher = new RecorderWatcher({
      sources: [bus.source],
      fingerprints: FingerprintTable.load(),
      log,
    });
    const events: DeviceEvent[] = [];
    watcher.onEvent((e) => events.push(e));
    await watcher.start();
    const sim = await SimRecorder.create({ kind: 'serial', bus, clockSkewMs: 45_000, battery: 12 });
    try {
      await sim.plug();
      const tty = watcher.devices()[0];
      assert.equal(tty?.transport, 'tty');
      assert.equal(tty?.devNode, sim.ttyPath);
      assert.ok(tty);
      const factory = simDriverFactory(bus, { log, now });
      const drv = await factory.openControl(tty);
      assert.ok(Math.abs(((await drv.readClock?.())?.skewMs ?? 0) - 45_000) < 1500);
      assert.equal(await drv.battery?.(), 12);
      const claim = watcher.claimNextDisk(tty, 3000);
      await drv.enterMassStorage?.();
      const disk = await claim;
      assert.equal(disk.claimedBy, tty.key);
      const msc = await factory.openVolume(disk);
      const listing = await msc.listFiles();
      assert.deepEqual(
        listing.files.map((f) => f.relPath),
        sim.clips.map((c) => c.relPath),
      );
      await msc.release();
      assert.ok(
        events.some((e) => e.type === 'departure' && e.device.key === tty.key),
        'the tty departed',
      );
    } finally {
      await sim.close();
      await watcher.stop();
    }
  });
});
