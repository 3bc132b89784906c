import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { describeRawEvent, portPathFromDevpath } from '../../drivers/detect/device-description.ts';
import {
  decodeUdevEnc,
  parseUdevExportDb,
  parseUdevMonitorText,
  UdevMonitorParser,
} from '../../drivers/detect/udev-parser.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/udev/${name}`, import.meta.url), 'utf8');

describe('udev monitor parser', () => {
  it('parses a capture into events, skipping the banner', () => {
    const events = parseUdevMonitorText(fixture('msc-recorder-plug-unplug.txt'));
    assert.deepEqual(
      events.map((e) => `${e.action} ${e.subsystem}`),
      ['add usb', 'add block', 'remove block', 'remove usb'],
    );
    assert.equal(events[1]?.props.get('ID_FS_TYPE'), 'vfat');
    assert.equal(events[1]?.devtype, 'disk');
  });

  it('gives the same events however the stream is chunked', () => {
    const text = fixture('ga-recorder-msdc.txt');
    const whole = parseUdevMonitorText(text);
    const parser = new UdevMonitorParser();
    const pieces = [];
    for (let i = 0; i < text.length; i += 7) pieces.push(...parser.push(text.slice(i, i + 7)));
    pieces.push(...parser.end());
    assert.equal(pieces.length, whole.length);
    assert.deepEqual(
      pieces.map((e) => e.devpath),
      whole.map((e) => e.devpath),
    );
  });

  it('skips KERNEL blocks and noise, and flushes a final event without its blank line', () => {
    const events = parseUdevMonitorText(fixture('generic-and-noise.txt'));
    assert.equal(events.filter((e) => e.devpath.endsWith('/1-4')).length, 1, 'the KERNEL copy is skipped');
    assert.equal(events.at(-1)?.props.get('ID_SERIAL_SHORT'), 'TRUNCATED1');
    assert.ok(events.every((e) => e.props.get('') === undefined));
  });

  it('parses udevadm info --export-db into add events', () => {
    const events = parseUdevExportDb(fixture('export-db.txt'));
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => e.action === 'add'));
    const disk = events.find((e) => e.props.get('DEVNAME') === '/dev/sdd');
    assert.equal(disk?.props.get('ID_FS_TYPE'), 'exfat');
  });

  it('decodes udev \\x escapes', () => {
    assert.equal(decodeUdevEnc('DSJ\\x20Recorder\\x20\\x20'), 'DSJ Recorder');
    assert.equal(decodeUdevEnc('\\xe5\\xbc\\xa0'), '张');
  });
});

describe('device description', () => {
  it('finds the physical port in a device path', () => {
    assert.equal(
      portPathFromDevpath(
        '/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.3/1-2.3:1.0/host6/target6:0:0/6:0:0:0/block/sdb',
      ),
      '1-2.3',
    );
    assert.equal(portPathFromDevpath('/devices/virtual/block/loop0'), null);
  });

  it('describes a USB disk with a file system, and ignores a partition table and non-USB disks', () => {
    const events = parseUdevMonitorText(fixture('ga-recorder-msdc.txt'));
    const described = events.map(describeRawEvent);
    const part = described.find((d) => d?.devNode === '/dev/sdb1');
    assert.equal(part?.transport, 'block');
    assert.equal(part?.key, 'block:05e3:0749:000000000532:p1');
    assert.equal(part?.portPath, '1-2');
    assert.equal(part?.fsLabel, 'ZFY_A123456');
    assert.equal(
      described.find((d) => d?.devNode === '/dev/sdb'),
      undefined,
      'the disk holding the partition table',
    );
    const loop = parseUdevMonitorText(fixture('generic-and-noise.txt')).find((e) =>
      e.devpath.includes('loop3'),
    );
    assert.ok(loop);
    assert.equal(describeRawEvent(loop), null);
  });

  it('reads ids from PRODUCT when ID_* are missing, and decodes the _ENC strings', () => {
    const [usb] = parseUdevMonitorText(fixture('msc-recorder-plug-unplug.txt'));
    assert.ok(usb);
    const d = describeRawEvent(usb);
    assert.equal(d?.usb.manufacturer, 'Example vendor');
    assert.equal(d?.usb.product, 'DSJ Recorder');
    const bare = new Map(usb.props);
    bare.delete('ID_VENDOR_ID');
    bare.delete('ID_MODEL_ID');
    const fromProduct = describeRawEvent({ ...usb, props: bare });
    assert.equal(fromProduct?.usb.vendorId, '1209');
    assert.equal(fromProduct?.usb.productId, '0005');
  });
});
