import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  builtinEntries,
  modelsInRules,
  SERVICE_GROUP,
  serialPrefix,
  udevRulesText,
} from '../../agent/ops/udev-rules.ts';
import type { FingerprintEntry } from '../../drivers/contract/fingerprints.ts';

const SHIPPED = new URL('../../systemd/70-recorder-dock.rules', import.meta.url);

describe('udev rules from the fingerprint table', () => {
  it('the shipped rules file is what the built-in table generates (dockctl udev-rules > systemd/70-recorder-dock.rules)', async () => {
    assert.equal(
      await readFile(SHIPPED, 'utf8'),
      udevRulesText(builtinEntries(), 'built-in recorder models'),
    );
  });

  it('gives the service group each recorder face, keeps udisks and ModemManager away, tags it', () => {
    const entry: FingerprintEntry = {
      id: 'site-x',
      vendor: 'V',
      model: 'M',
      driver: 'ga-sdk',
      match: { vendorId: '2E8A', productId: '00C0' },
      massStorage: { vendorId: '2e8a', productId: '00c1' },
    };
    const text = udevRulesText([entry], 'site models');
    const lines = text.split('\n').filter((l) => l.startsWith('SUBSYSTEM=='));
    assert.equal(lines.length, 6, 'usb, tty and block rules for both ids');
    for (const pid of ['00c0', '00c1']) {
      const mine = lines.filter((l) => l.includes(`{idProduct}=="${pid}"`));
      assert.equal(mine.length, 3);
      assert.ok(
        mine.every((l) => l.includes('{idVendor}=="2e8a"')),
        'ids in lower case as sysfs shows them',
      );
      const [usb, tty, block] = mine;
      assert.match(
        usb ?? '',
        new RegExp(`ENV\\{DEVTYPE\\}=="usb_device".*GROUP="${SERVICE_GROUP}", MODE="0660"`),
      );
      assert.match(tty ?? '', /GROUP="recorder-dock".*ENV\{ID_MM_DEVICE_IGNORE\}="1"/);
      assert.match(block ?? '', /ENV\{UDISKS_IGNORE\}="1", ENV\{UDISKS_AUTO\}="0"/);
      assert.ok(!(block ?? '').includes('GROUP='), 'disks stay root:disk; the mount helper mounts them');
      assert.ok(
        mine.every(
          (l) => l.includes('TAG+="recorder-dock"') && l.includes('ENV{RECORDER_DOCK_MODEL}="site-x"'),
        ),
      );
    }
    assert.match(text, /^ACTION=="remove", GOTO="(recorder_dock_end_site_models)"$[\s\S]*^LABEL="\1"$/m);
    assert.deepEqual([...modelsInRules(text)], ['site-x']);
  });

  it('writes rules for a model admitted on generic ids, matching the fixed start of its USB serial', () => {
    const text = udevRulesText(
      [
        {
          id: 'ftdi-recorder',
          vendor: 'V',
          model: 'serial on an FTDI bridge',
          driver: 'serial',
          admitGeneric: true,
          match: { vendorId: '0403', productId: '6001', serialPattern: '^HIL-SER-\\d{4}$' },
          massStorage: { vendorId: '46f4', productId: '0001' },
        },
      ],
      'site models',
    );
    const lines = text.split('\n').filter((l) => l.startsWith('SUBSYSTEM=='));
    assert.equal(lines.length, 6, 'the bridge and the disk it becomes');
    for (const l of lines) assert.match(l, /ATTRS?\{serial\}=="HIL-SER-\*"/);
    const tty = lines.find((l) => l.startsWith('SUBSYSTEM=="tty"') && l.includes('"6001"'));
    assert.match(
      tty ?? '',
      /ATTRS\{idVendor\}=="0403", ATTRS\{idProduct\}=="6001", ATTRS\{serial\}=="HIL-SER-\*", GROUP="recorder-dock", MODE="0660"/,
    );
    assert.deepEqual([...modelsInRules(text)], ['ftdi-recorder']);
  });

  it('finds the fixed start of a serial pattern, or none', () => {
    assert.equal(serialPrefix('^HIL-SER-\\d+$'), 'HIL-SER-');
    assert.equal(serialPrefix('^ZFY\\.A[0-9]{6}'), 'ZFY.A');
    assert.equal(serialPrefix('^ABC?D'), 'AB', 'an optional character is not fixed');
    assert.equal(serialPrefix('^AB*'), 'A');
    assert.equal(serialPrefix('HIL'), '', 'unanchored');
    assert.equal(serialPrefix('^HIL|^QEMU'), '', 'alternation');
    assert.equal(serialPrefix('^[A-Z]+'), '');
    assert.equal(serialPrefix('^A"B'), 'A', 'nothing that would break the rule syntax');
    const text = udevRulesText(
      [
        {
          id: 'any-ch340',
          vendor: 'V',
          model: 'M',
          driver: 'serial',
          admitGeneric: true,
          match: { vendorId: '1a86', productId: '7523', serialPattern: '[0-9]{8}' },
        },
      ],
      'x',
    );
    assert.match(text, /these rules cover every such device on this box/);
    assert.ok(!text.includes('{serial}'), 'no serial match without a fixed start');
  });
});
