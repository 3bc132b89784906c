import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { WatcherStatus } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { UsbSource } from '../../drivers/detect/usb-source.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';

const run = promisify(execFile);
const hasBus = existsSync('/sys/bus/usb');
const child = new URL('../fixtures/drivers/usb-watcher-child.ts', import.meta.url).pathname;

describe('usb@3 on this machine', () => {
  let fakeBus: string;
  const rejections: unknown[] = [];
  const onRejection = (r: unknown) => rejections.push(r);

  before(async () => {
    fakeBus = await mkdtemp(path.join(os.tmpdir(), 'drivers-fake-bus-'));
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await rm(fakeBus, { recursive: true, force: true });
  });

  it('reports the USB bus state as a status (no USB bus here), with no unhandled rejection', async () => {
    const watcher = new RecorderWatcher({
      sources: [new UsbSource({ log: silentLogger() })],
      fingerprints: FingerprintTable.load(),
      log: silentLogger(),
    });
    await watcher.start();
    await new Promise((r) => setTimeout(r, 300));
    const status = watcher.status();
    assert.equal(status.usbBus, hasBus ? 'present' : 'absent');
    const usb = status.sources[0];
    assert.equal(usb?.state, hasBus ? 'ok' : 'no-usb-bus');
    if (!hasBus) assert.match(usb?.detail ?? '', /no USB bus \(\/sys\/bus\/usb is missing\)/);
    await watcher.stop();
    assert.deepEqual(rejections, []);
  });

  it('catches usb@3 rejecting when probed directly, and never attaches its hotplug listener', async () => {
    const source = new UsbSource({ log: silentLogger(), sysBusUsb: fakeBus });
    const statuses: string[] = [];
    await source.start({ event: () => {}, status: (s) => statuses.push(`${s.state} ${s.detail ?? ''}`) });
    await new Promise((r) => setTimeout(r, 300));
    if (hasBus) assert.match(statuses[0] ?? '', /^ok/);
    else
      assert.match(statuses[0] ?? '', /^no-usb-bus USB enumeration failed \(getDevices error: .*not found/);
    await source.stop();
    assert.deepEqual(rejections, []);
  });

  it('a child process running the watcher without any rejection handler exits cleanly', async () => {
    for (const args of [[], ['force-probe']]) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', child, ...args], {
        timeout: 30_000,
      });
      const status = JSON.parse(stdout) as WatcherStatus;
      assert.equal(status.usbBus, hasBus ? 'present' : 'absent', args.join());
    }
  });

  it('(the hazard being avoided) raw WebUSB hotplug on a machine without a bus leaves an unhandled rejection', async () => {
    const script =
      "const { WebUSB } = require('usb'); new WebUSB({ allowAllDevices: true }).addEventListener('connect', () => {}); setTimeout(() => {}, 500);";
    const raw = run(process.execPath, ['-e', script], { timeout: 30_000 });
    if (hasBus) {
      await raw; // with a bus, usb@3's own enumeration succeeds
      return;
    }
    await assert.rejects(raw, (e: { code?: number; stderr?: string }) => {
      assert.notEqual(e.code, 0);
      assert.match(e.stderr ?? '', /getDevices error/);
      return true;
    });
  });
});
