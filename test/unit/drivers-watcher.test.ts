import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DeviceEvent } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { FakeUdevSource, FakeUsbSource, type UsbFixtureEvent } from '../../drivers/detect/fake-sources.ts';
import { DeviceGoneError } from '../../drivers/errors.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
/** The event blocks of a udev capture (the banner dropped), to replay a stream in steps. */
const blocks = (name: string) =>
  fixture(`udev/${name}`)
    .split(/\n(?=UDEV +\[)/)
    .slice(1);

function watch(sources: ConstructorParameters<typeof RecorderWatcher>[0]['sources'], site?: unknown) {
  const watcher = new RecorderWatcher({
    sources,
    fingerprints: FingerprintTable.load({ site }),
    log: silentLogger(),
  });
  const events: DeviceEvent[] = [];
  watcher.onEvent((e) => events.push(e));
  const lines = () => events.flatMap((e) => (e.type === 'status' ? [] : [`${e.type} ${e.device.key}`]));
  return { watcher, events, lines };
}

describe('recorder watcher', () => {
  it('reports a mass-storage recorder once, on its disk, with a stable key', async () => {
    const udev = new FakeUdevSource();
    const { watcher, lines, events } = watch([udev]);
    await watcher.start();
    udev.replayText(fixture('udev/msc-recorder-plug-unplug.txt'));
    assert.deepEqual(lines(), [
      'arrival block:1209:0005:Z5000123:disk',
      'departure block:1209:0005:Z5000123:disk',
    ]);
    const arrival = events.find((e) => e.type === 'arrival');
    assert.ok(arrival?.type === 'arrival');
    assert.equal(arrival.device.devNode, '/dev/sdb');
    assert.equal(arrival.device.fsType, 'vfat');
    assert.equal(arrival.device.match?.driver, 'mass-storage');
    assert.deepEqual(watcher.devices(), []);
  });

  it('reports a serial recorder on its tty and ignores generic bridges, readers and keyboards', async () => {
    const udev = new FakeUdevSource();
    const { watcher, lines } = watch([udev]);
    await watcher.start();
    udev.replayText(fixture('udev/generic-and-noise.txt'));
    udev.replayText(fixture('udev/serial-recorder.txt'));
    assert.deepEqual(lines(), [
      // the card reader's disk is never a recorder, but it is reported so the manager can see it
      'unrecognised block:0bda:0129:20100201396000000:p1',
      'arrival usb:1209:0001:TRUNCATED1',
      'arrival tty:1209:0003:B765432:if00',
      'departure tty:1209:0003:B765432:if00',
    ]);
    assert.ok(watcher.status().ignoredDevices >= 3, 'FTDI, card reader and keyboard are counted as ignored');
  });

  it('ties the disk a GA recorder re-enumerates as to the recorder that asked, by USB port', async () => {
    const udev = new FakeUdevSource();
    const { watcher, events } = watch([udev]);
    await watcher.start();
    const [plug, unplugSdk, ...rest] = blocks('ga-recorder-msdc.txt');
    udev.replayText(plug ?? '');
    const sdk = watcher.devices()[0];
    assert.equal(sdk?.match?.driver, 'ga-sdk');
    assert.ok(sdk);
    const claim = watcher.claimNextDisk(sdk, 1000);
    udev.replayText(`${unplugSdk}\n\n${rest.join('\n')}`);
    const disk = await claim;
    assert.equal(disk.devNode, '/dev/sdb1');
    assert.equal(disk.claimedBy, sdk.key);
    assert.equal(disk.match?.driver, 'mass-storage');
    assert.equal(disk.match?.model, 'DSJ-EXAMPLE-GA', 'a generic reader id inherits the recorder model');
    const arrival = events.filter((e) => e.type === 'arrival').at(-1);
    assert.ok(arrival?.type === 'arrival' && arrival.device.claimedBy === sdk.key);
  });

  it('without a claim, a generic disk is not admitted (only reported as unrecognised); a claim made afterwards still finds it', async () => {
    const udev = new FakeUdevSource();
    const { watcher, lines } = watch([udev]);
    await watcher.start();
    const text = fixture('udev/ga-recorder-msdc.txt');
    udev.replayText(text);
    assert.deepEqual(lines(), [
      'arrival usb:1209:0001:A123456',
      'departure usb:1209:0001:A123456',
      'unrecognised block:05e3:0749:000000000532:p1',
    ]);
    const parent = {
      key: 'usb:1209:0001:A123456',
      transport: 'usb' as const,
      devNode: null,
      usb: { vendorId: '1209', productId: '0001', manufacturer: null, product: null, serial: 'A123456' },
      portPath: '1-2',
      fsType: null,
      fsLabel: null,
      fsUuid: null,
      match: null,
      claimedBy: null,
    };
    const disk = await watcher.claimNextDisk(parent, 500);
    assert.equal(disk.devNode, '/dev/sdb1');
  });

  it('a claim times out with DeviceGoneError when no disk appears', async () => {
    const udev = new FakeUdevSource();
    const { watcher } = watch([udev]);
    await watcher.start();
    udev.replayText(blocks('serial-recorder.txt').slice(0, 2).join('\n'));
    const tty = watcher.devices()[0];
    assert.ok(tty);
    await assert.rejects(watcher.claimNextDisk(tty, 30), DeviceGoneError);
  });

  it('a claim waiting when the watcher stops is rejected at once, so a clean stop never waits for a disk', async () => {
    const udev = new FakeUdevSource();
    const { watcher } = watch([udev]);
    await watcher.start();
    udev.replayText(blocks('serial-recorder.txt').slice(0, 2).join('\n'));
    const tty = watcher.devices()[0];
    assert.ok(tty);
    const claim = watcher.claimNextDisk(tty, 60_000);
    const started = Date.now();
    await watcher.stop();
    await assert.rejects(claim, /stopping/);
    assert.ok(Date.now() - started < 5_000, 'rejected at the stop, not at the 60 s timeout');
  });

  it('merges udev and usb@3 reports of one device, departing only when both have', async () => {
    const udev = new FakeUdevSource();
    const events = JSON.parse(fixture('usb/recorder-connect-disconnect.json')) as UsbFixtureEvent[];
    const usb = new FakeUsbSource();
    const { watcher, lines } = watch([udev, usb]);
    await watcher.start();
    usb.replay(events[0] as UsbFixtureEvent);
    udev.replayText(blocks('ga-recorder-msdc.txt')[0] ?? '');
    assert.deepEqual(lines(), ['arrival usb:1209:0001:A123456']);
    usb.replay(events[2] as UsbFixtureEvent);
    assert.equal(watcher.devices().length, 1, 'udev still sees it');
    udev.replayText(blocks('ga-recorder-msdc.txt')[1] ?? '');
    assert.deepEqual(lines(), ['arrival usb:1209:0001:A123456', 'departure usb:1209:0001:A123456']);
    assert.equal(watcher.status().usbBus, 'present');
  });

  it('admits the QEMU disk only through a site entry with a serial pattern', async () => {
    const events = JSON.parse(fixture('usb/recorder-connect-disconnect.json')) as UsbFixtureEvent[];
    const site = {
      models: [
        {
          id: 'hil-qemu',
          vendor: 'QEMU',
          model: 'HIL GA',
          driver: 'ga-sdk',
          admitGeneric: true,
          match: { vendorId: '46f4', productId: '0001', serialPattern: '^1-0000:00:04' },
        },
      ],
    };
    const plain = watch([new FakeUsbSource({ events })]);
    await plain.watcher.start();
    assert.deepEqual(plain.lines(), ['arrival usb:1209:0001:A123456', 'departure usb:1209:0001:A123456']);
    const admitted = watch([new FakeUsbSource({ events })], site);
    await admitted.watcher.start();
    assert.ok(admitted.lines().includes('arrival usb:46f4:0001:1-0000_00_04.0-1'));
  });

  it('reports "no USB bus" as a status, never as an error', async () => {
    const { watcher, events } = watch([new FakeUdevSource(), new FakeUsbSource({ noBus: true })]);
    await watcher.start();
    assert.equal(watcher.status().usbBus, 'absent');
    const usb = watcher.status().sources.find((s) => s.source === 'usb');
    assert.equal(usb?.state, 'no-usb-bus');
    assert.ok(events.some((e) => e.type === 'status' && e.status.usbBus === 'absent'));
  });

  it('keeps going when a source fails to start or a listener throws', async () => {
    const broken = {
      name: 'broken',
      start: async () => Promise.reject(new Error('boom')),
      stop: async () => {},
    };
    const udev = new FakeUdevSource();
    const { watcher } = watch([broken, udev]);
    watcher.onEvent(() => {
      throw new Error('listener bug');
    });
    await watcher.start();
    udev.replayText(blocks('msc-recorder-plug-unplug.txt').slice(0, 2).join('\n'));
    assert.equal(watcher.devices().length, 1);
    assert.equal(watcher.status().sources.find((s) => s.source === 'broken')?.state, 'unavailable');
  });
});
