import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SYSTEMD_DIR = fileURLToPath(new URL('../../systemd/', import.meta.url));
const unit = (name: string) => readFile(path.join(SYSTEMD_DIR, name), 'utf8');

/** `Key=value` lines of a unit, in order (comments and sections left out). */
function directives(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}

describe('systemd units (systemd-analyze from the systemd package)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'units-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the agent unit scores an exposure of at most 2.0 in systemd-analyze security', async () => {
    const { stdout } = await run('systemd-analyze', [
      'security',
      '--offline=yes',
      '--no-pager',
      path.join(SYSTEMD_DIR, 'recorder-dock.service'),
    ]);
    const m = /Overall exposure level for recorder-dock\.service: (\d+\.\d+)/.exec(stdout);
    assert.ok(m, stdout.slice(-500));
    assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]}`);
  });

  it('every unit passes systemd-analyze verify without a single complaint', async () => {
    const names = ['recorder-dock.service', 'recorder-dock-mountd.service', 'recorder-dock-mountd.socket'];
    for (const name of names) {
      // The programs are not installed here; everything else is checked as systemd reads it.
      await writeFile(
        path.join(dir, name),
        (await unit(name)).replace(/^ExecStart=\S+/m, 'ExecStart=/usr/bin/true'),
      );
    }
    const { stdout, stderr } = await run('systemd-analyze', ['verify', ...names.map((n) => `./${n}`)], {
      cwd: dir,
    });
    assert.equal(`${stdout}${stderr}`.trim(), '');
  });

  it('the agent: notify with a watchdog, no restart loop on bad config, unprivileged, devices listed', async () => {
    const d = new Map<string, string[]>();
    for (const [k, v] of directives(await unit('recorder-dock.service'))) d.set(k, [...(d.get(k) ?? []), v]);
    const one = (k: string) => d.get(k)?.join(' ');
    assert.equal(one('Type'), 'notify');
    assert.equal(one('NotifyAccess'), 'main');
    assert.match(one('WatchdogSec') ?? '', /^\d+/);
    assert.equal(one('RestartPreventExitStatus'), '78');
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(one('User'), 'recorder-dock');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('DevicePolicy'), 'closed');
    assert.deepEqual(d.get('DeviceAllow'), [
      'char-usb_device rw',
      'char-ttyACM rw',
      'char-ttyUSB rw',
      'block-sd r',
    ]);
    assert.match(one('ReadWritePaths') ?? '', /\/var\/lib\/recorder-dock.*\/run\/recorder-dock/);
    assert.match(one('ExecStart') ?? '', /--config \/etc\/recorder-dock\/config\.yaml/);
    assert.equal(d.has('MemoryDenyWriteExecute'), false, 'it breaks the V8 JIT');
    assert.equal(d.has('PrivateUsers'), false, 'libudev drops udevd messages from an unmapped uid');
    assert.equal(one('CapabilityBoundingSet'), '');
  });

  it('the helper stays in the host mount namespace; its socket is for the service group only', async () => {
    const helper = new Map(directives(await unit('recorder-dock-mountd.service')));
    for (const key of [
      'ProtectSystem',
      'ProtectHome',
      'PrivateTmp',
      'PrivateMounts',
      'ReadWritePaths',
      'PrivateDevices',
      'ProtectKernelTunables',
      'ProtectControlGroups',
    ])
      assert.equal(helper.has(key), false, `${key} would give the helper a private mount namespace`);
    assert.equal(
      helper.get('CapabilityBoundingSet'),
      'CAP_SYS_ADMIN CAP_CHOWN CAP_DAC_OVERRIDE',
      'DAC_OVERRIDE: the helper unlinks sealed files in folders the mount options give the agent (and enters its /run folder)',
    );
    assert.equal(helper.get('RestrictAddressFamilies'), 'AF_UNIX');
    assert.equal(helper.get('IPAddressDeny'), 'any');
    const socket = new Map(directives(await unit('recorder-dock-mountd.socket')));
    assert.equal(socket.get('SocketGroup'), 'recorder-dock');
    assert.equal(socket.get('SocketMode'), '0660');
  });

  it('sysusers creates the static user and group; tmpfiles the folders with their owners (root)', async () => {
    const root = path.join(dir, 'root');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
    await run('systemd-sysusers', [`--root=${root}`, path.join(SYSTEMD_DIR, 'recorder-dock.sysusers')]);
    const passwd = await readFile(path.join(root, 'etc/passwd'), 'utf8');
    const m = /^recorder-dock:x:(\d+):(\d+):[^:]*:\/var\/lib\/recorder-dock:\/usr\/sbin\/nologin$/m.exec(
      passwd,
    );
    assert.ok(m, passwd);
    assert.match(
      await readFile(path.join(root, 'etc/group'), 'utf8'),
      new RegExp(`^recorder-dock:x:${m[2]}:`, 'm'),
    );
    await run('systemd-tmpfiles', [
      `--root=${root}`,
      '--create',
      path.join(SYSTEMD_DIR, 'recorder-dock.tmpfiles'),
    ]);
    const st = (p: string) => stat(path.join(root, p));
    const state = await st('var/lib/recorder-dock');
    assert.equal(state.mode & 0o7777, 0o750);
    assert.equal(state.uid, Number(m[1]));
    const mnt = await st('run/recorder-dock/mnt');
    assert.equal(mnt.uid, 0, 'mount points belong to the helper');
    assert.equal(mnt.gid, Number(m[2]), 'the agent may enter them');
  });
});
