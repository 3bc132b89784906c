import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { SourceStatus } from '../../drivers/contract/ports.ts';
import type { RawDeviceEvent, SourceSink } from '../../drivers/detect/event-source.ts';
import { UdevadmSource, udevMonitorArgs } from '../../drivers/detect/udevadm-source.ts';
import { type UsbApi, type UsbDeviceLike, UsbSource, usbPortPath } from '../../drivers/detect/usb-source.ts';
import { FakeSpawner } from '../../drivers/process/fake-spawner.ts';

function recordingSink() {
  const events: RawDeviceEvent[] = [];
  const statuses: SourceStatus[] = [];
  const sink: SourceSink = { event: (e) => events.push(e), status: (s) => statuses.push(s) };
  return { sink, events, statuses };
}

const fixture = (name: string) => readFile(new URL(`../fixtures/udev/${name}`, import.meta.url), 'utf8');
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

class FakeUsbApi implements UsbApi {
  listeners = new Map<string, (ev: { device: UsbDeviceLike }) => void>();
  constructor(private readonly devices: () => Promise<UsbDeviceLike[]>) {}
  getDevices = () => this.devices();
  addEventListener(type: string, l: (ev: { device: UsbDeviceLike }) => void) {
    this.listeners.set(type, l);
  }
  removeEventListener(type: string) {
    this.listeners.delete(type);
  }
}

describe('usb@3 source', () => {
  let busDir: string;
  before(async () => {
    busDir = await mkdtemp(path.join(os.tmpdir(), 'drivers-usbbus-'));
  });
  after(async () => {
    await rm(busDir, { recursive: true, force: true });
  });

  it('reports "no USB bus" without loading usb@3 when /sys/bus/usb is absent', async () => {
    let loaded = false;
    const src = new UsbSource({
      log: silentLogger(),
      sysBusUsb: path.join(busDir, 'missing'),
      loadUsb: async () => {
        loaded = true;
        return new FakeUsbApi(async () => []);
      },
    });
    const { sink, statuses } = recordingSink();
    await src.start(sink);
    assert.equal(loaded, false);
    assert.equal(statuses[0]?.state, 'no-usb-bus');
    assert.equal(statuses[0]?.usbBus, 'absent');
    assert.match(statuses[0]?.detail ?? '', /no USB bus .*missing/);
  });

  it('probes getDevices under a catch and never attaches listeners when it rejects', async () => {
    const api = new FakeUsbApi(async () => {
      throw Object.assign(new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)'), {
        code: 'GenericFailure',
      });
    });
    const src = new UsbSource({ log: silentLogger(), sysBusUsb: busDir, loadUsb: async () => api });
    const { sink, statuses } = recordingSink();
    await src.start(sink);
    assert.equal(statuses[0]?.state, 'no-usb-bus');
    assert.match(statuses[0]?.detail ?? '', /not found/);
    assert.equal(api.listeners.size, 0);
  });

  it('maps present devices and connect/disconnect to udev-shaped events with the same path', async () => {
    const rec: UsbDeviceLike = {
      vendorId: 0x1209,
      productId: 1,
      serialNumber: 'A123456',
      productName: 'ZFY',
      bus: '1',
      ports: [2, 4],
    };
    const api = new FakeUsbApi(async () => [rec]);
    const src = new UsbSource({ log: silentLogger(), sysBusUsb: busDir, loadUsb: async () => api });
    const { sink, events, statuses } = recordingSink();
    await src.start(sink);
    assert.equal(statuses[0]?.state, 'ok');
    assert.equal(events[0]?.props.get('ID_VENDOR_ID'), '1209');
    assert.equal(events[0]?.props.get('ID_MODEL_ID'), '0001');
    const unreadable: UsbDeviceLike = {
      vendorId: 0x1209,
      productId: 3,
      get serialNumber(): string {
        throw new Error('device gone');
      },
    };
    api.listeners.get('connect')?.({ device: unreadable });
    api.listeners.get('disconnect')?.({ device: rec });
    assert.deepEqual(
      events.map((e) => `${e.action} ${e.devpath}`),
      ['add /usb@3/1-2.4', 'add /usb@3/1209:0003:', 'remove /usb@3/1-2.4'],
    );
    await src.stop();
    assert.equal(api.listeners.size, 0);
    assert.equal(usbPortPath({ vendorId: 1, productId: 1, bus: '003', ports: [1] }), '3-1');
  });
});

describe('udevadm source', () => {
  it('runs the monitor with the expected argv and forwards events from a chunked stream', async () => {
    const text = await fixture('msc-recorder-plug-unplug.txt');
    const spawner = new FakeSpawner((_cmd, args) =>
      args[0] === 'monitor' ? { keepRunning: true } : { stdout: '' },
    );
    const src = new UdevadmSource({ spawn: spawner.spawn, log: silentLogger(), restartDelayMs: null });
    const { sink, events, statuses } = recordingSink();
    await src.start(sink);
    const monitor = spawner.calls.find((c) => c.args[0] === 'monitor');
    assert.deepEqual(monitor?.args, udevMonitorArgs());
    assert.ok(monitor?.args.includes('--property') && monitor.args.includes('--udev'));
    for (let i = 0; i < text.length; i += 50) monitor?.child.pushStdout(text.slice(i, i + 50));
    await tick();
    assert.equal(events.length, 4);
    assert.equal(statuses.find((s) => s.state === 'ok')?.source, 'udev');
    await src.stop();
  });

  it('enumerates what is already plugged from --export-db', async () => {
    const db = await readFile(new URL('../fixtures/udev/export-db.txt', import.meta.url), 'utf8');
    const spawner = new FakeSpawner((_cmd, args) =>
      args[0] === 'monitor' ? { keepRunning: true } : { stdout: db },
    );
    const src = new UdevadmSource({ spawn: spawner.spawn, log: silentLogger(), restartDelayMs: null });
    const { sink, events } = recordingSink();
    await src.start(sink);
    assert.deepEqual(spawner.calls[1]?.args, ['info', '--export-db']);
    assert.ok(events.some((e) => e.props.get('DEVNAME') === '/dev/sdd'));
    await src.stop();
  });

  it('reports a clear status when udevadm is not installed', async () => {
    const spawner = new FakeSpawner(() => ({ spawnError: 'ENOENT' }));
    const src = new UdevadmSource({ spawn: spawner.spawn, log: silentLogger(), restartDelayMs: null });
    const { sink, statuses } = recordingSink();
    await src.start(sink);
    await tick();
    const st = statuses.find((s) => s.state === 'unavailable');
    assert.match(st?.detail ?? '', /udevadm is not installed/);
  });

  it('reports the monitor exiting and restarts it after the delay', async () => {
    const spawner = new FakeSpawner((_cmd, args) =>
      args[0] === 'monitor' ? { keepRunning: true } : { stdout: '' },
    );
    const src = new UdevadmSource({ spawn: spawner.spawn, log: silentLogger(), restartDelayMs: 20 });
    const { sink, statuses } = recordingSink();
    await src.start(sink);
    spawner.calls[0]?.child.exit(1);
    await tick(10);
    assert.match(statuses.find((s) => s.state === 'unavailable')?.detail ?? '', /exited \(code 1\)/);
    await tick(40);
    assert.equal(spawner.calls.filter((c) => c.args[0] === 'monitor').length, 2);
    await src.stop();
    assert.equal(statuses.at(-1)?.state, 'stopped');
  });
});
