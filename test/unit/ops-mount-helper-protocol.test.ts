import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diskRefusal } from '../../agent/mountd/device-admission.ts';
import { helperFsOptions } from '../../agent/mountd/mount-helper-main.ts';
import { findAccount } from '../../agent/mountd/service-account.ts';
import {
  LineReader,
  MAX_LINE_BYTES,
  parseRequest,
} from '../../drivers/mass-storage/mount-helper-protocol.ts';

describe('mount helper protocol', () => {
  it('accepts the five operations with exactly their fields', () => {
    assert.deepEqual(parseRequest('{"op":"ping"}'), { op: 'ping' });
    assert.deepEqual(
      parseRequest('{"op":"mount","devNode":"/dev/sdb1","fsType":"vfat","name":"block:1209:0005:X"}'),
      {
        op: 'mount',
        devNode: '/dev/sdb1',
        fsType: 'vfat',
        name: 'block:1209:0005:X',
      },
    );
    assert.deepEqual(
      parseRequest('{"op":"unmount","mountPoint":"/run/recorder-dock/mnt/x","deviceGone":true}').op,
      'unmount',
    );
    assert.deepEqual(
      parseRequest(
        '{"op":"delete","mountPoint":"/run/recorder-dock/mnt/x","relPath":"DCIM/录像 1.MP4","size":0,"mtimeMs":1764892800123.25}',
      ),
      {
        op: 'delete',
        mountPoint: '/run/recorder-dock/mnt/x',
        relPath: 'DCIM/录像 1.MP4',
        size: 0,
        mtimeMs: 1764892800123.25,
      },
    );
    assert.deepEqual(parseRequest('{"op":"cleanup"}'), { op: 'cleanup' });
  });

  it('has no way to ask for a writable volume: only a delete of one file the seal describes', () => {
    for (const op of ['writable', 'release', 'remount', 'write'])
      assert.throws(
        () => parseRequest(JSON.stringify({ op, mountPoint: '/run/recorder-dock/mnt/x' })),
        /unknown op/,
      );
    const del = { op: 'delete', mountPoint: '/m/x', relPath: 'DCIM/A.MP4', size: 10, mtimeMs: 5 };
    for (const [change, reason] of [
      [{ size: undefined }, /delete needs/],
      [{ mtimeMs: undefined }, /delete needs/],
      [{ relPath: '' }, /delete needs/],
      [{ relPath: 7 }, /delete needs/],
      [{ size: -1 }, /delete needs/],
      [{ size: 1.5 }, /delete needs/],
      [{ size: '10' }, /delete needs/],
      [{ size: 2 ** 53 }, /delete needs/],
      [{ mtimeMs: null }, /delete needs/],
      [{ mtimeMs: '5' }, /delete needs/],
      [{ mountPoint: undefined }, /delete needs/],
      [{ recursive: true }, /unexpected field recursive/],
      [{ writable: true }, /unexpected field writable/],
    ] as const)
      assert.throws(
        () => parseRequest(JSON.stringify({ ...del, ...change })),
        reason,
        JSON.stringify(change),
      );
    assert.throws(
      () => parseRequest('{"op":"delete","mountPoint":"/m/x","relPath":"a","size":1,"mtimeMs":1e999}'),
      /delete needs/,
    );
  });

  it('refuses unknown operations, missing fields and smuggled options', () => {
    for (const [line, reason] of [
      ['{"op":"format"}', /unknown op/],
      ['[1]', /not a JSON object/],
      ['{"op":"mount","devNode":"/dev/sdb1","fsType":"vfat"}', /needs devNode, fsType and name/],
      [
        '{"op":"mount","devNode":"/dev/sdb1","fsType":"vfat","name":"x","options":"rw,exec"}',
        /unexpected field options/,
      ],
      ['{"op":"unmount","mountPoint":"/x"}', /deviceGone/],
      ['{"op":"ping","x":1}', /unexpected field x/],
    ] as const)
      assert.throws(() => parseRequest(line), reason, line);
    assert.throws(() => parseRequest('not json'), SyntaxError);
  });

  it('splits lines, and refuses an over-long one', () => {
    const lines: (string | null)[] = [];
    const reader = new LineReader((l) => lines.push(l));
    reader.push('{"op":"pi');
    reader.push('ng"}\n\n{"op":"cleanup"}\n');
    assert.deepEqual(lines, ['{"op":"ping"}', '{"op":"cleanup"}']);
    reader.push('x'.repeat(MAX_LINE_BYTES + 1));
    assert.equal(lines.at(-1), null);
  });
});

describe('service account and fixed mount options', () => {
  it('finds a user in passwd text', () => {
    const passwd =
      'root:x:0:0:root:/root:/bin/bash\nrecorder-dock:x:998:997:agent:/var/lib/recorder-dock:/usr/sbin/nologin\n';
    assert.deepEqual(findAccount(passwd, 'recorder-dock'), { name: 'recorder-dock', uid: 998, gid: 997 });
    assert.equal(findAccount(passwd, 'nobody'), null);
  });

  it('gives the agent the files of FAT volumes, on top of the configured character-set options', () => {
    const opts = helperFsOptions(
      {
        fsOptions: { vfat: ['utf8', 'codepage=936'], exfat: ['iocharset=utf8'] },
        nosymfollow: 'auto',
        extensions: {},
        folders: null,
        limits: { maxDepth: 6, maxEntries: 1, maxNameBytes: 255, maxPathBytes: 1024 },
        mounter: 'helper',
        helperSocket: '/run/x.sock',
      },
      { name: 'recorder-dock', uid: 998, gid: 997 },
    );
    assert.deepEqual(opts.vfat, ['utf8', 'codepage=936', 'uid=998', 'gid=997', 'fmask=0137', 'dmask=0027']);
    assert.deepEqual(Object.keys(opts).sort(), ['exfat', 'vfat'], 'only the file systems recorders use');
  });
});

describe('which disks the helper mounts', () => {
  let root: string;
  let deps: Parameters<typeof diskRefusal>[1];

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'admission-'));
    const dev = path.join(root, 'dev');
    const sys = path.join(root, 'sys/class/block');
    await mkdir(dev, { recursive: true });
    await mkdir(sys, { recursive: true });
    const devices = path.join(root, 'sys/devices');
    const usbDisk = path.join(
      devices,
      'pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb',
    );
    const sataDisk = path.join(devices, 'pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda');
    for (const d of [
      path.join(usbDisk, 'sdb1'),
      path.join(sataDisk, 'sda1'),
      path.join(usbDisk, '..', 'sdc'),
    ])
      await mkdir(d, { recursive: true });
    for (const [name, target] of [
      ['sdb', usbDisk],
      ['sdb1', path.join(usbDisk, 'sdb1')],
      ['sda1', path.join(sataDisk, 'sda1')],
      ['sdc', path.join(usbDisk, '..', 'sdc')],
    ] as const) {
      await symlink(target, path.join(sys, name));
      await writeFile(path.join(dev, name), '');
    }
    await writeFile(path.join(dev, 'notblock'), '');
    const mountinfo = path.join(root, 'mountinfo');
    await writeFile(
      mountinfo,
      [
        `36 25 8:1 / / rw,relatime shared:1 - ext4 ${dev}/sda1 rw`,
        `90 36 8:33 / /media/someone/STICK rw,nosuid shared:2 - vfat ${dev}/sdc rw`,
        `91 36 8:17 / ${root}/mnt/block_x ro,nosuid,nodev,noexec - vfat ${dev}/sdb1 ro`,
      ].join('\n'),
    );
    deps = {
      paths: { sysBlockDir: sys, devDir: dev, mountinfoPath: mountinfo },
      mountDir: path.join(root, 'mnt'),
      isBlockDevice: async (p) => !p.endsWith('notblock'),
    };
  });

  after(() => rm(root, { recursive: true, force: true }));

  it('admits a USB disk, even one already mounted in its own folder', async () => {
    assert.equal(await diskRefusal(path.join(root, 'dev/sdb1'), deps), null);
    assert.equal(await diskRefusal(path.join(root, 'dev/sdb'), deps), null);
  });

  it('refuses internal disks, disks mounted elsewhere, non-devices and paths outside /dev', async () => {
    assert.match((await diskRefusal(path.join(root, 'dev/sda1'), deps)) ?? '', /not attached over USB/);
    assert.match(
      (await diskRefusal(path.join(root, 'dev/sdc'), deps)) ?? '',
      /already mounted at \/media\/someone\/STICK/,
    );
    assert.match((await diskRefusal(path.join(root, 'dev/notblock'), deps)) ?? '', /not a block device/);
    assert.match(
      (await diskRefusal(path.join(root, 'dev/../mountinfo'), deps)) ?? '',
      /not a device node under/,
    );
    assert.match((await diskRefusal(path.join(root, 'dev/sdz'), deps)) ?? '', /does not exist/);
  });
});
