import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtinEntries } from '../../agent/cli/udev-rules-command.ts';
import { parseConfigText } from '../../agent/config/config-loader.ts';
import { centralStoreCheck } from '../../agent/doctor/central-store-check.ts';
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
import { udevRulesText } from '../../agent/ops/udev-rules.ts';

let root: string;

function host(over: Partial<DoctorHost> = {}): DoctorHost {
  return {
    sysBusUsb: path.join(root, 'sys/bus/usb'),
    udevControl: path.join(root, 'run/udev/control'),
    udevRulesDirs: [path.join(root, 'etc/udev/rules.d'), path.join(root, 'usr/lib/udev/rules.d')],
    localtime: path.join(root, 'etc/localtime'),
    clockSynchronised: async () => true,
    serviceAccount: async () => ({ name: 'recorder-dock', uid: 998, gid: 998 }),
    uid: 1000,
    ...over,
  };
}

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
    const site = [
      'version: 2',
      'drivers:',
      '  fingerprints:',
      '    models:',
      '      - { id: office-a, vendor: V, model: M, driver: mass-storage, match: { vendorId: "2e8a", productId: "0001" } }',
    ].join('\n');
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
