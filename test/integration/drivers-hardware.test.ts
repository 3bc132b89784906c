import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { UdevadmSource } from '../../drivers/detect/udevadm-source.ts';
import { UsbSource } from '../../drivers/detect/usb-source.ts';
import { DefaultDriverFactory } from '../../drivers/driver-factory.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';

/**
 * Hardware-in-the-loop (HIL.md): with DOCK_HW_RECORDER=1 and a mass-storage recorder plugged in
 * (or a QEMU usb-storage admitted by DOCK_HW_FINGERPRINTS, a JSON site section), detect it through
 * the real udev and usb@3 sources, mount it read-only and list its footage.
 */
const enabled = process.env.DOCK_HW_RECORDER === '1';

describe('real recorder (hardware, gated)', {
  skip: enabled ? false : 'set DOCK_HW_RECORDER=1 with a recorder plugged in',
}, () => {
  it('detects, mounts read-only and lists a docked recorder', async () => {
    const site = process.env.DOCK_HW_FINGERPRINTS
      ? JSON.parse(await readFile(process.env.DOCK_HW_FINGERPRINTS, 'utf8'))
      : undefined;
    const log = silentLogger();
    const watcher = new RecorderWatcher({
      sources: [new UdevadmSource({ spawn, log }), new UsbSource({ log })],
      fingerprints: FingerprintTable.load({ site }),
      log,
    });
    const disk = new Promise<DetectedDevice>((resolve) => {
      watcher.onEvent((e) => {
        if (e.type === 'arrival' && e.device.transport === 'block') resolve(e.device);
      });
    });
    await watcher.start();
    const mountDir = await mkdtemp(path.join(os.tmpdir(), 'drivers-hw-'));
    try {
      const device = await Promise.race([
        disk,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no recorder within 60 s')), 60_000),
        ),
      ]);
      const mounter = new LinuxVolumeMounter({
        spawn,
        log,
        mountDir,
        fsOptions: { vfat: ['utf8'], exfat: ['iocharset=utf8'], ext4: [] },
      });
      const drv = await new DefaultDriverFactory({ log, now: () => new Date(), mounter }).openVolume(device);
      const listing = await drv.listFiles();
      assert.equal(listing.truncated, false);
      assert.ok(listing.files.length > 0, 'the recorder holds footage');
      await drv.release();
    } finally {
      await watcher.stop();
      await rm(mountDir, { recursive: true, force: true });
    }
  });
});
