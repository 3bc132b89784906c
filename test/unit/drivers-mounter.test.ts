import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { MountedVolume } from '../../drivers/contract/ports.ts';
import { FileChangedError, MountError, UnsafeEntryError } from '../../drivers/errors.ts';
import { blockFamily } from '../../drivers/mass-storage/block-readonly.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { parseMountInfo } from '../../drivers/mass-storage/mountinfo.ts';
import { type FakeReply, FakeSpawner } from '../../drivers/process/fake-spawner.ts';

/**
 * A fake kernel for the mounter: sysfs `ro` flags flipped by `blockdev`, a mountinfo file kept by
 * `mount`/`umount`, all driven through the FakeSpawner so tests see the exact argv.
 */
class FakeKernel {
  mounts: { point: string; opts: string[]; dev: string }[] = [];
  refuseNosymfollow = false;
  stripNoexec = false;
  stickyRo = false;
  busy = false;
  /** Runs when a mount is remounted read-write (a test changes a file there). */
  onRemountRw: (() => Promise<void>) | null = null;

  constructor(readonly root: string) {}

  get sys() {
    return path.join(this.root, 'sys', 'class', 'block');
  }
  get dev() {
    return path.join(this.root, 'dev');
  }
  get mountinfo() {
    return path.join(this.root, 'mountinfo');
  }

  async setUp(): Promise<void> {
    const disk = path.join(this.root, 'sys', 'devices', 'usb', 'sdb');
    await mkdir(path.join(disk, 'sdb1'), { recursive: true });
    await mkdir(path.join(disk, 'sdb2'), { recursive: true });
    await mkdir(path.join(disk, 'queue'), { recursive: true });
    for (const d of [disk, path.join(disk, 'sdb1'), path.join(disk, 'sdb2')])
      await writeFile(path.join(d, 'ro'), '0\n');
    await writeFile(path.join(disk, 'sdb1', 'partition'), '1\n');
    await writeFile(path.join(disk, 'sdb2', 'partition'), '2\n');
    await mkdir(this.sys, { recursive: true });
    await symlink(disk, path.join(this.sys, 'sdb'));
    await symlink(path.join(disk, 'sdb1'), path.join(this.sys, 'sdb1'));
    await symlink(path.join(disk, 'sdb2'), path.join(this.sys, 'sdb2'));
    await mkdir(this.dev, { recursive: true });
    for (const n of ['sdb', 'sdb1', 'sdb2']) await writeFile(path.join(this.dev, n), '');
    await this.sync();
  }

  async sync(): Promise<void> {
    const lines = this.mounts.map(
      (m, i) =>
        `${100 + i} 1 8:17 / ${m.point.replace(/ /g, '\\040')} ${m.opts.join(',')} - vfat ${m.dev} rw`,
    );
    await writeFile(
      this.mountinfo,
      `${['1 0 254:0 / / rw,relatime - ext4 /dev/vda rw', ...lines].join('\n')}\n`,
    );
  }

  handle = async (cmd: string, args: readonly string[]): Promise<FakeReply> => {
    if (cmd === 'blockdev') {
      const name = path.basename(args[1] ?? '');
      const target = path.join(this.sys, name, 'ro');
      if (!this.stickyRo) await writeFile(target, args[0] === '--setro' ? '1\n' : '0\n');
      return { code: 0 };
    }
    if (cmd === 'umount') {
      const point = args.at(-1) ?? '';
      if (this.busy && !args.includes('-l')) return { code: 32, stderr: `umount: ${point}: target is busy.` };
      this.mounts = this.mounts.filter((m) => m.point !== point);
      await this.sync();
      return { code: 0 };
    }
    const opts = (args[args.indexOf('-o') + 1] ?? '').split(',');
    if (opts[0] === 'remount') {
      const m = this.mounts.find((x) => x.point === args.at(-1));
      if (m) m.opts = opts.slice(1);
      await this.sync();
      if (opts[1] === 'rw') await this.onRemountRw?.();
      return { code: 0 };
    }
    if (this.refuseNosymfollow && opts.includes('nosymfollow'))
      return { code: 32, stderr: 'mount: wrong fs type, bad option' };
    const kept = this.stripNoexec ? opts.filter((o) => o !== 'noexec') : opts;
    this.mounts.push({
      dev: args.at(-2) ?? '',
      point: args.at(-1) ?? '',
      opts: kept.filter((o) => !o.includes('=') && o !== 'utf8'),
    });
    await this.sync();
    return { code: 0 };
  };
}

describe('linux volume mounter (fake spawner and sysfs)', () => {
  let root: string;
  let kernel: FakeKernel;
  let spawner: FakeSpawner;
  let mounter: LinuxVolumeMounter;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'drivers-mounter-'));
    kernel = new FakeKernel(root);
    await kernel.setUp();
    spawner = new FakeSpawner(kernel.handle);
    mounter = new LinuxVolumeMounter({
      spawn: spawner.spawn,
      log: silentLogger(),
      mountDir: path.join(root, 'mnt'),
      blockPaths: { sysBlockDir: kernel.sys, devDir: kernel.dev },
      mountinfoPath: kernel.mountinfo,
    });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const argv = () => spawner.argvLines().map((l) => l.replaceAll(root, ''));

  it('marks the disk and every partition read-only, then mounts ro,nosuid,nodev,noexec,nosymfollow', async () => {
    const vol = await mounter.mount({
      devNode: path.join(kernel.dev, 'sdb1'),
      fsType: 'vfat',
      name: 'block:1209:0005:Z5000123:p1',
    });
    assert.deepEqual(argv(), [
      'blockdev --setro /dev/sdb',
      'blockdev --setro /dev/sdb1',
      'blockdev --setro /dev/sdb2',
      'mount -t vfat -o ro,nosuid,nodev,noexec,utf8,nosymfollow /dev/sdb1 /mnt/block_1209_0005_Z5000123_p1',
    ]);
    assert.equal(vol.nosymfollow, true);
    assert.ok(['ro', 'nosuid', 'nodev', 'noexec'].every((o) => vol.options.includes(o)));
    for (const n of ['sdb', 'sdb1', 'sdb2'])
      assert.equal((await readFile(path.join(kernel.sys, n, 'ro'), 'utf8')).trim(), '1');
    assert.deepEqual(await blockFamily('sdb', { sysBlockDir: kernel.sys, devDir: kernel.dev }), [
      'sdb',
      'sdb1',
      'sdb2',
    ]);
  });

  it('falls back without nosymfollow when the kernel refuses it, and remembers', async () => {
    kernel.refuseNosymfollow = true;
    const dev = path.join(kernel.dev, 'sdb1');
    const vol = await mounter.mount({ devNode: dev, fsType: 'exfat', name: 'a' });
    assert.equal(vol.nosymfollow, false);
    assert.equal(mounter.nosymfollowSupported, false);
    await mounter.unmount(vol);
    await mounter.mount({ devNode: dev, fsType: 'exfat', name: 'a' });
    const mounts = argv().filter((l) => l.startsWith('mount'));
    assert.deepEqual(mounts, [
      'mount -t exfat -o ro,nosuid,nodev,noexec,iocharset=utf8,nosymfollow /dev/sdb1 /mnt/a',
      'mount -t exfat -o ro,nosuid,nodev,noexec,iocharset=utf8 /dev/sdb1 /mnt/a',
      'mount -t exfat -o ro,nosuid,nodev,noexec,iocharset=utf8 /dev/sdb1 /mnt/a',
    ]);
  });

  it('refuses file systems recorders do not use and nodes outside /dev', async () => {
    await assert.rejects(
      mounter.mount({ devNode: path.join(kernel.dev, 'sdb1'), fsType: 'ext4', name: 'a' }),
      MountError,
    );
    await assert.rejects(
      mounter.mount({ devNode: path.join(root, 'mountinfo'), fsType: 'vfat', name: 'a' }),
      /not a device node/,
    );
    assert.equal(spawner.calls.length, 0);
  });

  it('refuses a mount the kernel reports without noexec, and detaches it', async () => {
    kernel.stripNoexec = true;
    await assert.rejects(
      mounter.mount({ devNode: path.join(kernel.dev, 'sdb1'), fsType: 'vfat', name: 'a' }),
      /missing options noexec/,
    );
    assert.ok(argv().includes('umount -l /mnt/a'));
    assert.equal(kernel.mounts.length, 0);
  });

  it('refuses to mount when the read-only flag does not take', async () => {
    kernel.stickyRo = true;
    await assert.rejects(
      mounter.mount({ devNode: path.join(kernel.dev, 'sdb1'), fsType: 'vfat', name: 'a' }),
      /still reports ro=0/,
    );
    assert.ok(!argv().some((l) => l.startsWith('mount')));
  });

  it('unmounts plainly, lazily when the device is gone, and lazily when busy', async () => {
    const dev = path.join(kernel.dev, 'sdb1');
    await mounter.unmount(await mounter.mount({ devNode: dev, fsType: 'vfat', name: 'a' }));
    await mounter.unmount(await mounter.mount({ devNode: dev, fsType: 'vfat', name: 'b' }), {
      deviceGone: true,
    });
    kernel.busy = true;
    await mounter.unmount(await mounter.mount({ devNode: dev, fsType: 'vfat', name: 'c' }));
    assert.deepEqual(
      argv().filter((l) => l.startsWith('umount')),
      ['umount /mnt/a', 'umount -l /mnt/b', 'umount /mnt/c', 'umount -l /mnt/c'],
    );
    assert.equal(kernel.mounts.length, 0);
    await mounter.unmount({
      devNode: dev,
      mountPoint: path.join(root, 'mnt', 'a'),
      fsType: 'vfat',
      options: [],
      nosymfollow: true,
    });
  });

  /** Mount sdb1 as `name` and put a file on it; returns the volume, the file and what the seal saw. */
  async function mountWithFile(name: string, relPath = 'DCIM/A.MP4', bytes = 'sealed bytes') {
    const vol = await mounter.mount({ devNode: path.join(kernel.dev, 'sdb1'), fsType: 'vfat', name });
    const abs = path.join(vol.mountPoint, relPath);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, bytes);
    const st = await stat(abs);
    return { vol, abs, relPath, expect: { size: st.size, mtimeMs: st.mtimeMs } };
  }

  const finalMode = async (vol: MountedVolume) =>
    parseMountInfo(await readFile(kernel.mountinfo, 'utf8'))
      .find((m) => m.mountPoint === vol.mountPoint)
      ?.options.find((o) => o === 'ro' || o === 'rw');

  it('deletes one unchanged file with the volume writable for that unlink only, then read-only again', async () => {
    const { vol, abs, relPath, expect } = await mountWithFile('a');
    const before = spawner.calls.length;
    let modeAtUnlink: string | undefined;
    kernel.onRemountRw = async () => {
      modeAtUnlink = await finalMode(vol);
    };
    await mounter.deleteFile(vol, relPath, expect);
    assert.equal(modeAtUnlink, 'rw');
    await assert.rejects(stat(abs), /ENOENT/);
    assert.deepEqual(argv().slice(before), [
      'blockdev --setrw /dev/sdb',
      'blockdev --setrw /dev/sdb1',
      'blockdev --setrw /dev/sdb2',
      'mount -o remount,rw,nosuid,nodev,noexec,nosymfollow /mnt/a',
      'mount -o remount,ro,nosuid,nodev,noexec,nosymfollow /mnt/a',
      'blockdev --setro /dev/sdb',
      'blockdev --setro /dev/sdb1',
      'blockdev --setro /dev/sdb2',
    ]);
    assert.equal(await finalMode(vol), 'ro');
    for (const n of ['sdb', 'sdb1', 'sdb2'])
      assert.equal((await readFile(path.join(kernel.sys, n, 'ro'), 'utf8')).trim(), '1');
  });

  it('refuses a changed, linked or missing file before anything becomes writable, naming the file', async () => {
    const { vol, abs, relPath, expect } = await mountWithFile('a');
    await symlink(abs, path.join(vol.mountPoint, 'DCIM/LINK.MP4'));
    const before = spawner.calls.length;
    await assert.rejects(mounter.deleteFile(vol, relPath, { ...expect, size: expect.size - 1 }), (err) => {
      assert.ok(err instanceof FileChangedError);
      assert.match(
        err.message,
        /"DCIM\/A\.MP4" is not deleted: it changed since it was sealed \(size 11 bytes at the seal, 12 now\)/,
      );
      assert.match(err.message, /the next dock copies and seals it again/);
      return true;
    });
    await assert.rejects(
      mounter.deleteFile(vol, relPath, { ...expect, mtimeMs: expect.mtimeMs - 2000 }),
      /modified .* at the seal, .* now/,
    );
    await assert.rejects(mounter.deleteFile(vol, 'DCIM/LINK.MP4', expect), UnsafeEntryError);
    await assert.rejects(mounter.deleteFile(vol, '../a/DCIM/A.MP4', expect), UnsafeEntryError);
    await assert.rejects(mounter.deleteFile(vol, 'DCIM/GONE.MP4', expect), /not found on the volume/);
    assert.equal(spawner.calls.length, before, 'nothing was made writable');
    assert.ok(await stat(abs));
  });

  it('checks the file again once writable, and returns to read-only when the delete fails', async () => {
    const { vol, abs, relPath, expect } = await mountWithFile('a');
    kernel.onRemountRw = () => appendFile(abs, '!'); // the card changed between the two looks
    const before = spawner.calls.length;
    await assert.rejects(mounter.deleteFile(vol, relPath, expect), FileChangedError);
    assert.ok(await stat(abs), 'the changed file is kept');
    assert.deepEqual(argv().slice(before).slice(-4), [
      'mount -o remount,ro,nosuid,nodev,noexec,nosymfollow /mnt/a',
      'blockdev --setro /dev/sdb',
      'blockdev --setro /dev/sdb1',
      'blockdev --setro /dev/sdb2',
    ]);
    assert.equal(await finalMode(vol), 'ro');
  });

  it('deletes one file at a time per mount point', async () => {
    const one = await mountWithFile('a', 'DCIM/ONE.MP4');
    const two = await mountWithFile('a', 'DCIM/TWO.MP4');
    const before = spawner.calls.length;
    await Promise.all([
      mounter.deleteFile(one.vol, one.relPath, one.expect),
      mounter.deleteFile(two.vol, two.relPath, two.expect),
    ]);
    const remounts = argv()
      .slice(before)
      .filter((l) => l.startsWith('mount -o remount'))
      .map((l) => l.split(',')[1]);
    assert.deepEqual(remounts, ['rw', 'ro', 'rw', 'ro']);
    await assert.rejects(stat(one.abs), /ENOENT/);
    await assert.rejects(stat(two.abs), /ENOENT/);
  });

  it('unmounts after a delete running on the same mount point, never under it', async () => {
    const { vol, abs, relPath, expect } = await mountWithFile('a');
    let unmounted: Promise<void> | null = null;
    kernel.onRemountRw = async () => {
      unmounted = mounter.unmount(vol); // the agent released the volume mid-delete
    };
    const before = spawner.calls.length;
    await mounter.deleteFile(vol, relPath, expect);
    await unmounted;
    assert.deepEqual(
      argv()
        .slice(before)
        .filter((l) => /^(u?mount|blockdev --setro \/dev\/sdb$)/.test(l)),
      [
        'mount -o remount,rw,nosuid,nodev,noexec,nosymfollow /mnt/a',
        'mount -o remount,ro,nosuid,nodev,noexec,nosymfollow /mnt/a',
        'blockdev --setro /dev/sdb',
        'umount /mnt/a',
      ],
    );
    await assert.rejects(stat(abs), /ENOENT/);
  });

  it('detaches mounts left under the mount directory by an earlier run', async () => {
    await mounter.mount({ devNode: path.join(kernel.dev, 'sdb1'), fsType: 'vfat', name: 'left-over' });
    const cleaned = await mounter.cleanupStale();
    assert.deepEqual(
      cleaned.map((p) => path.basename(p)),
      ['left-over'],
    );
    assert.equal(kernel.mounts.length, 0);
  });

  it('parses mountinfo escapes', () => {
    const [e] = parseMountInfo('36 35 98:0 / /mnt/with\\040space ro,nosuid - vfat /dev/sdb1 rw,fmask=0022\n');
    assert.equal(e?.mountPoint, '/mnt/with space');
    assert.deepEqual(e?.options, ['ro', 'nosuid']);
    assert.equal(e?.fsType, 'vfat');
  });
});
