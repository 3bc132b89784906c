import { mkdir, realpath, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { FileExpectation, MountedVolume, SpawnFn, VolumeMounter } from '../contract/ports.ts';
import { keyFragment } from '../detect/device-description.ts';
import { MountError } from '../errors.ts';
import { type CommandResult, formatArgv, runCommand } from '../process/run-command.ts';
import { type BlockPaths, blockFamily, DEFAULT_BLOCK_PATHS, setBlockReadOnly } from './block-readonly.ts';
import { findMount, mountsUnder } from './mountinfo.ts';
import type { NameLimits } from './safe-names.ts';
import { resolveUnchanged, unlinkDurably } from './sealed-file-delete.ts';

/** The options every recorder mount carries. */
export const SAFE_MOUNT_OPTIONS: readonly string[] = ['nosuid', 'nodev', 'noexec'];

/** File systems recorders use, and the extra options each gets (UTF-8 names). */
export const DEFAULT_FS_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  vfat: ['utf8'],
  exfat: ['iocharset=utf8'],
};

/** Configuration of the real mounter. */
export interface LinuxMounterOptions {
  readonly spawn: SpawnFn;
  readonly log: Logger;
  /** Parent of the mount points (DockPaths.mountDir). */
  readonly mountDir: string;
  /** Allowed file systems → extra mount options. Default: vfat and exfat. */
  readonly fsOptions?: Readonly<Record<string, readonly string[]>>;
  /** 'auto' tries nosymfollow and falls back when the kernel or mount(8) refuses it. */
  readonly nosymfollow?: 'auto' | boolean;
  readonly blockPaths?: BlockPaths;
  readonly mountinfoPath?: string;
  /** Name and path limits of the safe walk (`drivers.massStorage.limits`), for deleteFile's lookup. */
  readonly limits?: Partial<NameLimits>;
}

/**
 * Mounts recorder volumes read-only on Linux through mount(8), umount(8) and blockdev(8), all
 * run through the injected spawner. The block device and its partitions are marked read-only
 * first; the mount is checked in /proc/self/mountinfo before it is handed out. It deletes one
 * sealed file at a time itself: the volume is writable only for that unlink, in this process's
 * own mount namespace.
 */
export class LinuxVolumeMounter implements VolumeMounter {
  private nosymfollowWorks: boolean | null;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: LinuxMounterOptions) {
    this.nosymfollowWorks =
      opts.nosymfollow === 'auto' || opts.nosymfollow === undefined ? null : opts.nosymfollow;
  }

  private get blockPaths(): BlockPaths {
    return this.opts.blockPaths ?? DEFAULT_BLOCK_PATHS;
  }

  private get mountinfo(): string {
    return this.opts.mountinfoPath ?? '/proc/self/mountinfo';
  }

  /** Whether nosymfollow is in use: null until the first mount found out. */
  get nosymfollowSupported(): boolean | null {
    return this.nosymfollowWorks;
  }

  async mount(req: { devNode: string; fsType: string; name: string }): Promise<MountedVolume> {
    const extra = (this.opts.fsOptions ?? DEFAULT_FS_OPTIONS)[req.fsType];
    if (!extra)
      throw new MountError(
        `mounting ${req.devNode}`,
        `file system ${JSON.stringify(req.fsType)} is not one recorders use`,
      );
    const devNode = await this.checkDevNode(req.devNode);
    const mountPoint = path.join(this.opts.mountDir, keyFragment(req.name));
    return this.serialised(mountPoint, () => this.mountAt(devNode, mountPoint, req.fsType, extra));
  }

  private async mountAt(
    devNode: string,
    mountPoint: string,
    fsType: string,
    extra: readonly string[],
  ): Promise<MountedVolume> {
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    if (await findMount(this.mountinfo, mountPoint)) await this.umount(mountPoint, true);
    await setBlockReadOnly(this.opts.spawn, await this.family(devNode), true, this.blockPaths);
    const nosymfollow = await this.mountWithFallback(devNode, mountPoint, fsType, [
      'ro',
      ...SAFE_MOUNT_OPTIONS,
      ...extra,
    ]);
    const options = await this.verify(mountPoint, 'ro');
    this.opts.log.info({ devNode, mountPoint, fsType, nosymfollow }, 'recorder volume mounted read-only');
    return { devNode, mountPoint, fsType, options, nosymfollow };
  }

  /** Unmount, after a delete running on this mount point (it ends read-only first). */
  unmount(volume: MountedVolume, options: { deviceGone?: boolean } = {}): Promise<void> {
    return this.serialised(volume.mountPoint, async () => {
      if (await findMount(this.mountinfo, volume.mountPoint))
        await this.umount(volume.mountPoint, options.deviceGone === true);
      await rmdir(volume.mountPoint).catch(() => undefined);
    });
  }

  /**
   * Delete one recorder file that is still the one the seal saw (`expect`): looked up safely and
   * checked, then the block device made writable and the volume remounted read-write, checked
   * again, unlinked and its folder fsynced, and the volume and device returned to read-only.
   * One step at a time per mount point (mount, delete, unmount: an unmount asked for while a
   * delete runs waits for it); a refused file makes nothing writable.
   */
  deleteFile(volume: MountedVolume, relPath: string, expect: FileExpectation): Promise<void> {
    return this.serialised(volume.mountPoint, () => this.deleteStep(volume, relPath, expect));
  }

  /** Lazily unmount anything left under the mount directory by an earlier run (crash, power cut). */
  async cleanupStale(): Promise<string[]> {
    const stale = await mountsUnder(this.mountinfo, this.opts.mountDir);
    const points = stale.map((m) => m.mountPoint).filter((p) => p !== this.opts.mountDir);
    for (const p of points.reverse()) await this.umount(p, true);
    return points;
  }

  private async serialised<T>(mountPoint: string, step: () => Promise<T>): Promise<T> {
    const key = path.resolve(mountPoint);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(step);
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  private async deleteStep(volume: MountedVolume, relPath: string, expect: FileExpectation): Promise<void> {
    const lookup = { limits: this.opts.limits };
    await resolveUnchanged(volume.mountPoint, relPath, expect, lookup);
    await this.writableStep(volume, async () => {
      // Again with the volume writable: nothing may have changed it since the first look.
      const { abs } = await resolveUnchanged(volume.mountPoint, relPath, expect, lookup);
      await unlinkDurably(abs, volume.devNode);
    });
  }

  private async writableStep<T>(volume: MountedVolume, step: () => Promise<T>): Promise<T> {
    const family = await this.family(volume.devNode);
    const opts = (mode: string) => [
      'remount',
      mode,
      ...SAFE_MOUNT_OPTIONS,
      ...(volume.nosymfollow ? ['nosymfollow'] : []),
    ];
    try {
      await setBlockReadOnly(this.opts.spawn, family, false, this.blockPaths);
      await this.run('mount', ['-o', opts('rw').join(','), volume.mountPoint]);
      await this.verify(volume.mountPoint, 'rw');
      this.opts.log.info(
        { mountPoint: volume.mountPoint },
        'recorder volume remounted read-write for one delete',
      );
      return await step();
    } finally {
      try {
        await this.run('mount', ['-o', opts('ro').join(','), volume.mountPoint]);
        await setBlockReadOnly(this.opts.spawn, family, true, this.blockPaths);
        await this.verify(volume.mountPoint, 'ro');
      } catch (err) {
        this.opts.log.error(
          { err, mountPoint: volume.mountPoint },
          'recorder volume could not return to read-only',
        );
        // biome-ignore lint/correctness/noUnsafeFinally: a volume left writable must surface over the step's result.
        throw err;
      }
    }
  }

  private async checkDevNode(devNode: string): Promise<string> {
    const real = await realpath(devNode).catch((err: unknown) => {
      throw new MountError(`mounting ${devNode}`, 'the device node does not exist (unplugged?)', {
        cause: err,
      });
    });
    if (path.dirname(real) !== this.blockPaths.devDir) {
      throw new MountError(
        `mounting ${devNode}`,
        `${real} is not a device node under ${this.blockPaths.devDir}`,
      );
    }
    return real;
  }

  private family(devNode: string): Promise<string[]> {
    return blockFamily(path.basename(devNode), this.blockPaths).catch((err: unknown) => {
      throw new MountError(`finding the partitions of ${devNode}`, 'not listed in sysfs', { cause: err });
    });
  }

  private async mountWithFallback(
    devNode: string,
    mountPoint: string,
    fsType: string,
    base: string[],
  ): Promise<boolean> {
    const argv = (opts: string[]) => ['-t', fsType, '-o', opts.join(','), devNode, mountPoint];
    if (this.nosymfollowWorks !== false) {
      const args = argv([...base, 'nosymfollow']);
      const res = await runCommand(this.opts.spawn, 'mount', args, { timeoutMs: 30_000 });
      if (res.code === 0) {
        this.nosymfollowWorks = true;
        return true;
      }
      if (this.nosymfollowWorks === true) throw mountFailure('mount', args, res);
      this.opts.log.info({ stderr: res.stderr.trim() }, 'mount refused nosymfollow; retrying without it');
    }
    await this.run('mount', argv(base));
    if (this.nosymfollowWorks === null) this.nosymfollowWorks = false;
    return false;
  }

  private async verify(mountPoint: string, mode: 'ro' | 'rw'): Promise<string[]> {
    const entry = await findMount(this.mountinfo, mountPoint);
    const options = entry ? [...entry.options] : [];
    const missing = [mode, ...SAFE_MOUNT_OPTIONS].filter((o) => !options.includes(o));
    if (!entry || missing.length > 0) {
      if (entry && mode === 'ro') await this.umount(mountPoint, true).catch(() => undefined);
      throw new MountError(
        `checking the mount at ${mountPoint}`,
        entry ? `missing options ${missing.join(',')}` : 'not mounted',
      );
    }
    return options;
  }

  private async umount(mountPoint: string, lazy: boolean): Promise<void> {
    const res = await runCommand(this.opts.spawn, 'umount', lazy ? ['-l', mountPoint] : [mountPoint], {
      timeoutMs: 30_000,
    });
    if (res.code === 0) return;
    if (!lazy) {
      this.opts.log.warn({ mountPoint, stderr: res.stderr.trim() }, 'umount failed; detaching lazily');
      return this.umount(mountPoint, true);
    }
    if (!(await findMount(this.mountinfo, mountPoint))) return;
    throw mountFailure('umount', ['-l', mountPoint], res);
  }

  private async run(command: string, args: string[]): Promise<CommandResult> {
    const res = await runCommand(this.opts.spawn, command, args, { timeoutMs: 30_000 });
    if (res.code !== 0) throw mountFailure(command, args, res);
    return res;
  }
}

function mountFailure(command: string, args: readonly string[], res: CommandResult): MountError {
  return new MountError(formatArgv(command, args), res.stderr.trim() || `exit ${res.code ?? res.signal}`);
}
