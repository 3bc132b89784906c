import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { builtinEntries } from '../../agent/cli/udev-rules-command.ts';
import { modelsInRules, SERVICE_GROUP, udevRulesText } from '../../agent/ops/udev-rules.ts';
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

  it('never writes rules for generic ids admitted by serial pattern', () => {
    const text = udevRulesText(
      [
        {
          id: 'qemu-disk',
          vendor: 'QEMU',
          model: 'disk',
          driver: 'mass-storage',
          admitGeneric: true,
          match: { vendorId: '46f4', productId: '0001', serialPattern: '^HIL' },
        },
      ],
      'x',
    );
    assert.ok(!text.includes('46f4'));
    assert.match(text, /# not written: its ids are generic/);
  });
});
