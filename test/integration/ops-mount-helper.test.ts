import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_ADMISSION_PATHS, diskRefusal } from '../../agent/mountd/device-admission.ts';
import { MountHelperServer } from '../../agent/mountd/mount-helper-server.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { MountedVolume, SpawnFn } from '../../drivers/contract/ports.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { findMount } from '../../drivers/mass-storage/mountinfo.ts';
import { MountHelperError, PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';

const run = promisify(execFile);
const MOUNTINFO = '/proc/self/mountinfo';

async function mountMode(mountPoint: string): Promise<string | undefined> {
  return (await findMount(MOUNTINFO, mountPoint))?.options.find((o) => o === 'ro' || o === 'rw');
}

async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  assert.fail(`timed out waiting until ${what}`);
}

/**
 * The privileged helper and the agent's client over a real unix socket, mounting a loop-backed
 * ext4 image standing in for a recorder disk (this kernel has no vfat). Needs root, as in CI.
 */
describe('privileged mount helper over its socket (root)', () => {
  let work: string;
  let loop = '';
  let mountDir: string;
  let server: MountHelperServer;
  let client: PrivilegedVolumeMounter;
  let socketPath: string;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'this test mounts a loop device and must run as root (CI does)');
    work = await mkdtemp(path.join(os.tmpdir(), 'mount-helper-'));
    const src = path.join(work, 'src');
    await mkdir(path.join(src, 'DCIM'), { recursive: true });
    await writeFile(path.join(src, 'DCIM/CLIP_0001.MP4'), 'footage one');
    await writeFile(path.join(src, 'DCIM/CLIP_0002.MP4'), 'footage two');
    const img = path.join(work, 'recorder.img');
    await run('mkfs.ext4', ['-q', '-F', '-L', 'RECORDER', '-d', src, img, '8M']);
    loop = (await run('losetup', ['--find', '--show', img])).stdout.trim();
    mountDir = path.join(work, 'mnt');
    await mkdir(mountDir);
    const testDisk = await realpath(loop);
    server = new MountHelperServer({
      mounter: new LinuxVolumeMounter({
        spawn: spawn as unknown as SpawnFn,
        log: silentLogger(),
        mountDir,
        fsOptions: { ext4: [] },
      }),
      // Production admits USB disks only (see the last test); here the loop device stands in.
      admit: async (devNode) =>
        (await realpath(devNode).catch(() => devNode)) === testDisk ? null : 'it is not the test disk',
      mountDir,
      log: silentLogger(),
      version: '0.1.0-test',
    });
    socketPath = path.join(work, 'mountd.sock');
    await server.listen({ path: socketPath });
    client = new PrivilegedVolumeMounter({ socketPath, log: silentLogger() });
  });

  after(async () => {
    await server?.close();
    const left = (await readFile(MOUNTINFO, 'utf8')).split('\n').filter((l) => work && l.includes(work));
    for (const line of left) await run('umount', ['-l', line.split(' ')[4] ?? '']).catch(() => undefined);
    if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('answers a ping with its version; the socket is group-only', async () => {
    assert.equal(await client.ping(), '0.1.0-test');
    assert.equal((await stat(socketPath)).mode & 0o777, 0o660);
  });

  it('mounts the disk read-only with the fixed options, into its own folder only', async () => {
    const volume = await client.mount({ devNode: loop, fsType: 'ext4', name: 'block:1209:0005:LOOP:disk' });
    assert.equal(path.dirname(volume.mountPoint), mountDir);
    assert.equal(path.basename(volume.mountPoint), 'block_1209_0005_LOOP_disk');
    const entry = await findMount(MOUNTINFO, volume.mountPoint);
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec'])
      assert.ok(entry?.options.includes(o), `${o} in ${entry?.options}`);
    assert.equal((await readFile(`/sys/class/block/${path.basename(loop)}/ro`, 'utf8')).trim(), '1');
    assert.equal(await readFile(path.join(volume.mountPoint, 'DCIM/CLIP_0001.MP4'), 'utf8'), 'footage one');
    await assert.rejects(writeFile(path.join(volume.mountPoint, 'x'), 'x'), /EROFS/);
    await client.unmount(volume);
    assert.equal(await findMount(MOUNTINFO, volume.mountPoint), undefined);
    await client.unmount(volume); // idempotent
  });

  it('deletes one unchanged file itself, and the volume and its disk are read-only again', async () => {
    const volume = await client.mount({ devNode: loop, fsType: 'ext4', name: 'wipe' });
    const file = path.join(volume.mountPoint, 'DCIM/CLIP_0001.MP4');
    const st = await stat(file);
    await client.deleteFile(volume, 'DCIM/CLIP_0001.MP4', { size: st.size, mtimeMs: st.mtimeMs });
    await assert.rejects(stat(file), /ENOENT/);
    assert.equal(await mountMode(volume.mountPoint), 'ro');
    assert.equal((await readFile(`/sys/class/block/${path.basename(loop)}/ro`, 'utf8')).trim(), '1');
    await assert.rejects(writeFile(path.join(volume.mountPoint, 'x'), 'x'), /EROFS/);
    await client.unmount(volume);
  });

  it('refuses a file changed since its seal, one outside the volume or not a regular file, naming it', async () => {
    const volume = await client.mount({ devNode: loop, fsType: 'ext4', name: 'refuse' });
    const rel = 'DCIM/CLIP_0002.MP4';
    const st = await stat(path.join(volume.mountPoint, rel));
    const refusedWith = (code: string, message: RegExp) => (err: unknown) => {
      assert.ok(err instanceof MountHelperError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    };
    await assert.rejects(
      client.deleteFile(volume, rel, { size: st.size + 1, mtimeMs: st.mtimeMs }),
      refusedWith(
        'FILE_CHANGED',
        /"DCIM\/CLIP_0002\.MP4" is not deleted: it changed since it was sealed \(size 12 bytes at the seal, 11 now\)/,
      ),
    );
    await assert.rejects(
      client.deleteFile(volume, rel, { size: st.size, mtimeMs: st.mtimeMs + 1000 }),
      refusedWith('FILE_CHANGED', /modified .* at the seal/),
    );
    await assert.rejects(
      client.deleteFile(volume, '../wipe/DCIM/CLIP_0002.MP4', { size: st.size, mtimeMs: st.mtimeMs }),
      refusedWith('UNSAFE_ENTRY', /is refused/),
    );
    await assert.rejects(
      client.deleteFile(volume, 'DCIM', { size: st.size, mtimeMs: st.mtimeMs }),
      refusedWith('UNSAFE_ENTRY', /not a regular file/),
    );
    assert.ok(await stat(path.join(volume.mountPoint, rel)), 'still there');
    assert.equal(await mountMode(volume.mountPoint), 'ro');
    await client.unmount(volume);
  });

  it('finishes a delete the agent abandoned mid-request, and leaves the volume read-only', async () => {
    const volume = await client.mount({ devNode: loop, fsType: 'ext4', name: 'crash' });
    const file = path.join(volume.mountPoint, 'DCIM/CLIP_0002.MP4');
    const st = await stat(file);
    const sock = connect(socketPath);
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const request = { op: 'delete', mountPoint: volume.mountPoint, relPath: 'DCIM/CLIP_0002.MP4' };
    sock.write(`${JSON.stringify({ ...request, size: st.size, mtimeMs: st.mtimeMs })}\n`);
    sock.destroy(); // the agent died right after asking
    await until('the file is deleted', () =>
      stat(file).then(
        () => false,
        () => true,
      ),
    );
    // The unlink comes before the return to read-only: wait for the mount and then its disk.
    await until('the volume is read-only again', async () => (await mountMode(volume.mountPoint)) === 'ro');
    await until(
      'the disk is read-only again',
      async () => (await readFile(`/sys/class/block/${path.basename(loop)}/ro`, 'utf8')).trim() === '1',
    );
    await client.unmount(volume);
    assert.equal(await findMount(MOUNTINFO, volume.mountPoint), undefined);
  });

  it('refuses disks its policy does not admit, foreign mount points and unsafe names', async () => {
    const refused = async (p: Promise<unknown>, code: string, message: RegExp) =>
      assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof MountHelperError, String(err));
        assert.equal(err.code, code);
        assert.match(err.message, message);
        return true;
      });
    await refused(
      client.mount({ devNode: '/dev/null', fsType: 'ext4', name: 'x' }),
      'MOUNT_REFUSED',
      /will not mount \/dev\/null/,
    );
    await refused(client.mount({ devNode: loop, fsType: 'ext4', name: '..' }), 'MOUNT_REFUSED', /mount name/);
    const foreign: MountedVolume = {
      devNode: loop,
      mountPoint: '/etc',
      fsType: 'ext4',
      options: [],
      nosymfollow: false,
    };
    await refused(client.unmount(foreign), 'MOUNT_REFUSED', /not a mount point of the mount helper's folder/);
    const absent = { ...foreign, mountPoint: path.join(mountDir, 'never-mounted') };
    await refused(
      client.deleteFile(absent, 'DCIM/CLIP_0001.MP4', { size: 11, mtimeMs: 0 }),
      'MOUNT_NOT_FOUND',
      /nothing is mounted/,
    );
    await refused(
      client.deleteFile(foreign, 'passwd', { size: 1, mtimeMs: 0 }),
      'MOUNT_REFUSED',
      /not a mount point of the mount helper's folder/,
    );
    assert.ok(!(await readFile(MOUNTINFO, 'utf8')).includes(`${mountDir}/x `));
  });

  it('unmounts what an earlier run left behind', async () => {
    const volume = await client.mount({ devNode: loop, fsType: 'ext4', name: 'left-behind' });
    assert.deepEqual(await client.cleanupStale(), [volume.mountPoint]);
    assert.equal(await findMount(MOUNTINFO, volume.mountPoint), undefined);
  });

  it('in production admits USB disks only: a loop device is refused', async () => {
    assert.match(
      (await diskRefusal(loop, { paths: DEFAULT_ADMISSION_PATHS, mountDir })) ?? '',
      /not attached over USB/,
    );
  });
});
