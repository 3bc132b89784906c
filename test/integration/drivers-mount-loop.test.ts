import assert from 'node:assert/strict';
import { execFile, spawn as nodeSpawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice, SpawnFn } from '../../drivers/contract/ports.ts';
import { blockFamily } from '../../drivers/mass-storage/block-readonly.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { MassStorageVolume } from '../../drivers/mass-storage/mass-storage-volume.ts';
import { findMount } from '../../drivers/mass-storage/mountinfo.ts';
import { plantHostileEntries } from '../../drivers/sim/hostile-volume.ts';
import { buildSimVolume, clipSeries } from '../../drivers/sim/sim-volume.ts';

const run = promisify(execFile);
const MOUNTINFO = '/proc/self/mountinfo';

/**
 * The real mounter on a loop-mounted ext4 image standing in for the recorder's disk (this
 * kernel has no vfat; the mount path is the same). Needs root, as in CI.
 */
describe('real read-only mount of a loop device (root)', () => {
  let work: string;
  let loop = '';
  let outsideSecret: string;
  const argv: string[] = [];
  const recordingSpawn: SpawnFn = (cmd, args, opts) => {
    argv.push([cmd, ...args].join(' '));
    return nodeSpawn(cmd, [...args], opts);
  };
  let mounter: LinuxVolumeMounter;
  let device: DetectedDevice;
  let clips: string[] = [];

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'this test mounts a loop device and must run as root (CI does)');
    work = await mkdtemp(path.join(os.tmpdir(), 'drivers-loop-'));
    const src = path.join(work, 'src');
    await mkdir(src);
    outsideSecret = path.join(work, 'secret.MP4');
    await writeFile(outsideSecret, 'outside');
    clips = (await buildSimVolume(src, clipSeries(new Date('2026-11-21T00:30:00Z'), 3))).map(
      (c) => c.relPath,
    );
    const hostile = await plantHostileEntries(src, { file: outsideSecret, dir: work });
    const img = path.join(work, 'recorder.img');
    await run('mkfs.ext4', ['-q', '-F', '-L', 'RECORDER', '-d', src, img, '16M']);
    await hostile.close();
    loop = (await run('losetup', ['--find', '--show', img])).stdout.trim();
    mounter = new LinuxVolumeMounter({
      spawn: recordingSpawn,
      log: silentLogger(),
      mountDir: path.join(work, 'mnt'),
      fsOptions: { ext4: [] },
    });
    device = {
      key: 'block:1209:0005:LOOP:disk',
      transport: 'block',
      devNode: loop,
      usb: { vendorId: '1209', productId: '0005', manufacturer: null, product: null, serial: 'LOOP' },
      portPath: null,
      fsType: 'ext4',
      fsLabel: 'RECORDER',
      fsUuid: null,
      match: {
        entryId: 'example-msc-recorder',
        vendor: 'Example vendor',
        model: 'DSJ-EXAMPLE-MSC',
        driver: 'mass-storage',
        example: true,
      },
      claimedBy: null,
    };
  });

  after(async () => {
    const left = (await readFile(MOUNTINFO, 'utf8')).split('\n').filter((l) => work && l.includes(work));
    for (const line of left) await run('umount', ['-l', line.split(' ')[4] ?? '']).catch(() => undefined);
    if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('marks the device read-only and mounts it ro,nosuid,nodev,noexec (nosymfollow where the kernel has it)', async () => {
    argv.length = 0;
    const drv = await MassStorageVolume.open({ device, mounter, log: silentLogger() });
    const { volume } = drv;
    const entry = await findMount(MOUNTINFO, volume.mountPoint);
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec'])
      assert.ok(entry?.options.includes(o), `${o} in ${entry?.options}`);
    assert.equal(entry?.options.includes('nosymfollow'), volume.nosymfollow);
    assert.equal(mounter.nosymfollowSupported, volume.nosymfollow);
    const name = path.basename(loop);
    assert.equal((await readFile(`/sys/class/block/${name}/ro`, 'utf8')).trim(), '1');
    assert.equal((await run('blockdev', ['--getro', loop])).stdout.trim(), '1');
    assert.deepEqual(await blockFamily(name, { sysBlockDir: '/sys/class/block', devDir: '/dev' }), [name]);
    assert.ok(argv.includes(`blockdev --setro ${loop}`));
    const mountArgv = argv.filter((l) => l.startsWith('mount '));
    assert.equal(
      mountArgv.at(-1),
      `mount -t ext4 -o ro,nosuid,nodev,noexec${volume.nosymfollow ? ',nosymfollow' : ''} ${loop} ${volume.mountPoint}`,
    );

    const listing = await drv.listFiles();
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      clips,
    );
    assert.ok(listing.skipped.some((s) => s.reason === 'symlink'));
    assert.ok(listing.skipped.some((s) => s.reason === 'device-node'));
    await assert.rejects(writeFile(path.join(volume.mountPoint, 'new.txt'), 'x'), /EROFS/);
    await assert.rejects(
      open(path.join(volume.mountPoint, 'DCIM/100MEDIA/NULL_0906.MP4'), 'r'),
      /EACCES/,
      'nodev',
    );
    if (volume.nosymfollow)
      await assert.rejects(readFile(path.join(volume.mountPoint, 'DCIM/100MEDIA/LINK_0901.MP4')), /ELOOP/);
    await drv.release();
    assert.equal(await findMount(MOUNTINFO, volume.mountPoint), undefined);
    await assert.rejects(stat(volume.mountPoint), /ENOENT/, 'the mount point is removed');
  });

  it('deletes one file through a read-write remount of that step only', async () => {
    const drv = await MassStorageVolume.open({ device, mounter, log: silentLogger() });
    const [first] = (await drv.listFiles()).files;
    assert.ok(first);
    argv.length = 0;
    await drv.deleteFile(first.relPath, first);
    assert.deepEqual(argv, [
      `blockdev --setrw ${loop}`,
      `mount -o remount,rw,nosuid,nodev,noexec${drv.volume.nosymfollow ? ',nosymfollow' : ''} ${drv.volume.mountPoint}`,
      `mount -o remount,ro,nosuid,nodev,noexec${drv.volume.nosymfollow ? ',nosymfollow' : ''} ${drv.volume.mountPoint}`,
      `blockdev --setro ${loop}`,
    ]);
    const entry = await findMount(MOUNTINFO, drv.volume.mountPoint);
    assert.ok(entry?.options.includes('ro'));
    assert.equal((await run('blockdev', ['--getro', loop])).stdout.trim(), '1');
    const after = (await drv.listFiles()).files.map((f) => f.relPath);
    assert.deepEqual(after, clips.slice(1));
    await drv.release();
    const again = await MassStorageVolume.open({ device, mounter, log: silentLogger() });
    assert.deepEqual(
      (await again.listFiles()).files.map((f) => f.relPath),
      clips.slice(1),
      'the delete reached the disk',
    );
    await again.release();
  });

  it('detaches lazily when the device is gone or the mount is busy', async () => {
    const gone = await MassStorageVolume.open({ device, mounter, log: silentLogger() });
    const [file] = (await gone.listFiles()).files;
    assert.ok(file);
    const held = await open(path.join(gone.volume.mountPoint, file.relPath), 'r');
    argv.length = 0;
    await gone.release({ deviceGone: true });
    assert.deepEqual(argv, [`umount -l ${gone.volume.mountPoint}`]);
    assert.equal(await findMount(MOUNTINFO, gone.volume.mountPoint), undefined);
    assert.equal(
      (await held.read(Buffer.alloc(8), 0, 8, 0)).bytesRead,
      8,
      'an open file survives a lazy detach',
    );
    await held.close();

    const busy = await MassStorageVolume.open({ device, mounter, log: silentLogger() });
    const fd = await open(path.join(busy.volume.mountPoint, file.relPath), 'r');
    argv.length = 0;
    await busy.release();
    assert.deepEqual(argv, [`umount ${busy.volume.mountPoint}`, `umount -l ${busy.volume.mountPoint}`]);
    assert.equal(await findMount(MOUNTINFO, busy.volume.mountPoint), undefined);
    await fd.close();
  });
});
