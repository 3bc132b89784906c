import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfigText } from '../../agent/config/config-loader.ts';
import { centralStoreCheck } from '../../agent/doctor/central-store-check.ts';
import {
  deviceModulesCheck,
  modeAllowsReadWrite,
  recorderPortsCheck,
} from '../../agent/doctor/device-checks.ts';
import {
  type DoctorCheck,
  type DoctorContext,
  type DoctorHost,
  formatDoctor,
  pass,
  runDoctor,
} from '../../agent/doctor/doctor-check.ts';
import {
  timeSyncCheck,
  timezoneCheck,
  udevCheck,
  udevRulesCheck,
  usbBusCheck,
} from '../../agent/doctor/host-checks.ts';
import { modeAllowsWrite, stateDirCheck } from '../../agent/doctor/storage-checks.ts';
import { builtinEntries, udevRulesText } from '../../agent/ops/udev-rules.ts';

let root: string;

function host(over: Partial<DoctorHost> = {}): DoctorHost {
  return {
    sysBusUsb: path.join(root, 'sys/bus/usb'),
    udevControl: path.join(root, 'run/udev/control'),
    udevRulesDirs: [path.join(root, 'etc/udev/rules.d'), path.join(root, 'usr/lib/udev/rules.d')],
    localtime: path.join(root, 'etc/localtime'),
    sysClassTty: path.join(root, 'sys/class/tty'),
    devDir: path.join(root, 'dev'),
    procDevices: path.join(root, 'proc/devices'),
    groupFile: path.join(root, 'etc/group'),
    clockSynchronised: async () => true,
    serviceAccount: async () => ({ name: 'recorder-dock', uid: 998, gid: 998 }),
    uid: 1000,
    ...over,
  };
}

/** A config with one site fingerprint model (YAML flow mapping). */
function siteConfig(model: string): string {
  return ['version: 2', 'drivers:', '  fingerprints:', '    models:', `      - ${model}`].join('\n');
}

/** A recorder with a command port behind QEMU's FTDI bridge, told apart by its serial. */
const FTDI_MODEL =
  '{ id: ftdi-rec, vendor: V, model: M, driver: serial, admitGeneric: true, match: { vendorId: "0403", productId: "6001", serialPattern: "^HIL-" } }';

function ctx(yaml = 'version: 2\n', over: Partial<DoctorHost> = {}): DoctorContext {
  const loaded = parseConfigText(yaml.replace('@ROOT@', root), 'test.yaml');
  return { configFile: 'test.yaml', loaded, config: loaded.config, host: host(over) };
}

describe('doctor checks', () => {
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'doctor-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('usb bus and udev: fail with what to do when absent, pass when present', async () => {
    const absent = await usbBusCheck.run(ctx());
    assert.equal(absent.status, 'fail');
    assert.match(absent.fix ?? '', /enable USB/);
    assert.equal((await udevCheck.run(ctx())).status, 'fail');
    await mkdir(path.join(root, 'sys/bus/usb'), { recursive: true });
    await mkdir(path.join(root, 'run/udev'), { recursive: true });
    await writeFile(path.join(root, 'run/udev/control'), '');
    assert.equal((await usbBusCheck.run(ctx())).status, 'pass');
    assert.equal((await udevCheck.run(ctx())).status, 'pass');
  });

  it('recorder rules: built-in models from the package, site models from the config', async () => {
    const site = siteConfig(
      '{ id: office-a, vendor: V, model: M, driver: mass-storage, match: { vendorId: "2e8a", productId: "0001" } }',
    );
    assert.match((await udevRulesCheck.run(ctx())).summary, /built-in recorders are not installed/);
    await mkdir(path.join(root, 'usr/lib/udev/rules.d'), { recursive: true });
    await writeFile(
      path.join(root, 'usr/lib/udev/rules.d/70-recorder-dock.rules'),
      udevRulesText(builtinEntries(), 'b'),
    );
    assert.equal((await udevRulesCheck.run(ctx())).status, 'pass');
    const missing = await udevRulesCheck.run(ctx(site));
    assert.equal(missing.status, 'fail');
    assert.match(missing.summary, /office-a/);
    assert.match(missing.fix ?? '', /dockctl udev-rules --site/);
    await mkdir(path.join(root, 'etc/udev/rules.d'), { recursive: true });
    const siteModels = parseConfigText(site, 's').config.drivers.fingerprints.models ?? [];
    await writeFile(
      path.join(root, 'etc/udev/rules.d/71-recorder-dock-site.rules'),
      udevRulesText(siteModels, 's'),
    );
    assert.equal((await udevRulesCheck.run(ctx(site))).status, 'pass');
  });

  it('recorder rules: a folder reached twice (merged /usr) is listed once', async () => {
    await mkdir(path.join(root, 'merged/usr/lib/udev/rules.d'), { recursive: true });
    await symlink('usr/lib', path.join(root, 'merged/lib'));
    await writeFile(
      path.join(root, 'merged/usr/lib/udev/rules.d/70-recorder-dock.rules'),
      udevRulesText(builtinEntries(), 'b'),
    );
    const dirs = ['usr/lib/udev/rules.d', 'lib/udev/rules.d', 'etc/udev/rules.d'].map((d) =>
      path.join(root, 'merged', d),
    );
    const r = await udevRulesCheck.run(ctx('version: 2\n', { udevRulesDirs: dirs }));
    assert.equal(r.status, 'pass');
    assert.equal(r.summary, 'recorder rules installed (70-recorder-dock.rules)');
  });

  it('recorder rules: a model admitted on generic ids needs its site rules too', async () => {
    const site = siteConfig(FTDI_MODEL);
    await mkdir(path.join(root, 'usr/lib/udev/rules.d'), { recursive: true });
    await writeFile(
      path.join(root, 'usr/lib/udev/rules.d/70-recorder-dock.rules'),
      udevRulesText(builtinEntries(), 'b'),
    );
    const r = await udevRulesCheck.run(ctx(site));
    assert.equal(r.status, 'fail');
    assert.match(r.summary, /ftdi-rec/);
  });

  it('device modules: the classes the units allow must be known to the kernel', async () => {
    await mkdir(path.join(root, 'proc'), { recursive: true });
    const devices = (extra: string) =>
      `Character devices:\n  1 mem\n189 usb_device\n${extra}\nBlock devices:\n  8 sd\n`;
    await writeFile(path.join(root, 'proc/devices'), devices(''));
    const r = await deviceModulesCheck.run(ctx());
    assert.equal(r.status, 'fail');
    assert.match(r.summary, /cdc_acm, usbserial are not loaded/);
    assert.match(r.fix ?? '', /systemd-modules-load/);
    await writeFile(path.join(root, 'proc/devices'), devices('166 ttyACM\n188 ttyUSB'));
    assert.equal((await deviceModulesCheck.run(ctx())).status, 'pass');
  });

  it('recorder ports: a serial recorder plugged in now must be openable by the service user', async () => {
    const site = siteConfig(FTDI_MODEL);
    assert.match((await recorderPortsCheck.run(ctx(site))).summary, /no serial recorder is plugged in/);
    // sysfs: ttyUSB0 → its interface → the USB device with the ids; a plain FTDI cable on ttyUSB1.
    const usb = (name: string) => path.join(root, 'sys/devices/usb1', name);
    for (const [name, serial, tty] of [
      ['1-1', 'HIL-SER-0001', 'ttyUSB0'],
      ['1-2', 'FT12345', 'ttyUSB1'],
    ] as const) {
      await mkdir(path.join(usb(name), `${name}:1.0`, tty), { recursive: true });
      for (const [attr, value] of [
        ['idVendor', '0403'],
        ['idProduct', '6001'],
        ['serial', serial],
      ] as const)
        await writeFile(path.join(usb(name), attr), `${value}\n`);
      await mkdir(path.join(root, 'sys/class/tty', tty), { recursive: true });
      await symlink(
        path.join(usb(name), `${name}:1.0`, tty),
        path.join(root, 'sys/class/tty', tty, 'device'),
      );
      await mkdir(path.join(root, 'dev'), { recursive: true });
      await writeFile(path.join(root, 'dev', tty), '');
      await chmod(path.join(root, 'dev', tty), 0o660);
    }
    const account = { name: 'recorder-dock', uid: 998, gid: 998 };
    const asRoot = { uid: 0, serviceAccount: async () => account };
    const closed = await recorderPortsCheck.run(ctx(site, asRoot));
    assert.equal(closed.status, 'fail');
    assert.match(closed.summary, /ttyUSB0 \(ftdi-rec\).*mode 0660: the user recorder-dock cannot open it/);
    assert.ok(!closed.summary.includes('ttyUSB1'), 'a cable that is no recorder is not judged');
    assert.match(closed.fix ?? '', /dockctl udev-rules --site/);
    const gid = process.getgid?.() ?? 0;
    await writeFile(path.join(root, 'etc/group'), `dialout:x:20:\nshared:x:${gid}:someone,recorder-dock\n`);
    const open = await recorderPortsCheck.run(ctx(site, asRoot));
    assert.equal(open.status, 'pass', open.summary);
    assert.match(open.summary, /can open .*ttyUSB0$/);
  });

  it('device modes: owner, group or others may read and write', () => {
    assert.ok(modeAllowsReadWrite({ uid: 5, gid: 0, mode: 0o20600 }, 5, new Set([9])));
    assert.ok(!modeAllowsReadWrite({ uid: 0, gid: 20, mode: 0o20660 }, 5, new Set([9])));
    assert.ok(modeAllowsReadWrite({ uid: 0, gid: 9, mode: 0o20660 }, 5, new Set([9])));
    assert.ok(!modeAllowsReadWrite({ uid: 0, gid: 9, mode: 0o20640 }, 5, new Set([9])));
    assert.ok(modeAllowsReadWrite({ uid: 0, gid: 0, mode: 0o20666 }, 5, new Set([9])));
  });

  it('time: synchronised clock and the configured zone', async () => {
    assert.equal((await timeSyncCheck.run(ctx())).status, 'pass');
    assert.equal(
      (await timeSyncCheck.run(ctx('version: 2\n', { clockSynchronised: async () => false }))).status,
      'fail',
    );
    assert.equal(
      (await timeSyncCheck.run(ctx('version: 2\n', { clockSynchronised: async () => null }))).status,
      'warn',
    );
    const utc = await timezoneCheck.run(ctx());
    assert.equal(utc.status, 'fail', 'no /etc/localtime is UTC');
    assert.match(utc.fix ?? '', /timedatectl set-timezone Asia\/Shanghai/);
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await symlink('/usr/share/zoneinfo/Asia/Shanghai', path.join(root, 'etc/localtime'));
    assert.equal((await timezoneCheck.run(ctx())).status, 'pass');
    assert.equal(
      (await timezoneCheck.run(ctx('version: 2\nrules: { timezone: Asia/Urumqi }\n'))).status,
      'fail',
    );
  });

  it("state folder: missing, not the service user's, or fine", async () => {
    const yaml = 'version: 2\npaths: { stateDir: "@ROOT@/state" }\n';
    assert.match((await stateDirCheck.run(ctx(yaml))).summary, /does not exist/);
    await mkdir(path.join(root, 'state'), { mode: 0o750 });
    const asRoot = await stateDirCheck.run(ctx(yaml, { uid: 0 }));
    assert.equal(asRoot.status, 'fail', 'root judges for the service user, who does not own it');
    assert.match(asRoot.fix ?? '', /chown recorder-dock:recorder-dock/);
    const owner = { name: 'recorder-dock', uid: process.getuid?.() ?? 0, gid: 12345 };
    const ok = await stateDirCheck.run(ctx(yaml, { uid: 0, serviceAccount: async () => owner }));
    assert.notEqual(ok.status, 'fail', ok.summary);
    assert.match(ok.summary, /writable, [\d.]+ GiB free/);
  });

  it('folder modes: owner, group or others may write', () => {
    const acct = { name: 'a', uid: 10, gid: 20 };
    assert.ok(modeAllowsWrite({ uid: 10, gid: 0, mode: 0o40700 }, acct));
    assert.ok(!modeAllowsWrite({ uid: 10, gid: 0, mode: 0o40500 }, acct));
    assert.ok(modeAllowsWrite({ uid: 0, gid: 20, mode: 0o40770 }, acct));
    assert.ok(!modeAllowsWrite({ uid: 0, gid: 20, mode: 0o40750 }, acct));
    assert.ok(!modeAllowsWrite({ uid: 0, gid: 0, mode: 0o40755 }, acct));
  });

  it('central store: unreachable fails; a stale backlog warns', async () => {
    const down = centralStoreCheck(async () => ({
      reachable: false,
      detail: 'connection refused',
      pending: 12,
      oldestPendingAt: null,
    }));
    assert.equal((await down.run(ctx())).status, 'fail');
    const now = () => new Date('2026-11-21T12:00:00Z');
    const stale = centralStoreCheck(
      async () => ({
        reachable: true,
        detail: 'https://store',
        pending: 40,
        oldestPendingAt: new Date('2026-11-19T12:00:00Z'),
      }),
      now,
    );
    const r = await stale.run(ctx());
    assert.equal(r.status, 'warn');
    assert.match(r.summary, /40 records waiting, the oldest since 2026-11-19/);
    const fresh = centralStoreCheck(
      async () => ({ reachable: true, detail: 'https://store', pending: 2, oldestPendingAt: now() }),
      now,
    );
    assert.equal((await fresh.run(ctx())).status, 'pass');
  });
});

describe('doctor report', () => {
  it('turns a throwing or hanging check into a failure, and keeps going', async () => {
    const checks: DoctorCheck[] = [
      { name: 'fine', run: async () => pass('all good') },
      { name: 'broken', run: async () => Promise.reject(new Error('boom')) },
      { name: 'stuck', run: () => new Promise(() => {}) },
    ];
    const lines = await runDoctor(checks, ctx(), 50);
    assert.deepEqual(
      lines.map((l) => [l.name, l.status]),
      [
        ['fine', 'pass'],
        ['broken', 'fail'],
        ['stuck', 'fail'],
      ],
    );
    assert.match(lines[1]?.summary ?? '', /boom/);
    assert.match(lines[2]?.summary ?? '', /did not finish/);
  });

  it('prints one pass/warn/fail line per check, the fix below, and a total', () => {
    const text = formatDoctor([
      { name: 'config', status: 'pass', summary: 'valid' },
      { name: 'usb bus', status: 'fail', summary: 'no USB bus', fix: 'enable USB' },
      { name: 'time sync', status: 'warn', summary: 'unknown', fix: 'enable NTP' },
    ]);
    assert.equal(
      text,
      [
        'PASS  config     valid',
        'FAIL  usb bus    no USB bus',
        '                 → enable USB',
        'WARN  time sync  unknown',
        '                 → enable NTP',
        '',
        '1 failed, 1 to look at, 1 pass',
        '',
      ].join('\n'),
    );
  });
});
