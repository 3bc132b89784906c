import { statfs as nodeStatfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DEVICE_GONE_ERRNOS, DeviceGoneError, errnoCode, isDeviceGone } from '../contract/errors.ts';
import type {
  DetectedDevice,
  FileExpectation,
  FootageListing,
  MountedVolume,
  RecorderVolume,
  StorageReading,
  VolumeMounter,
} from '../contract/ports.ts';
import type { SourceSpec } from '../contract/source.ts';
import { UnsupportedOperationError } from '../errors.ts';
import { resolveInside } from './safe-path.ts';
import { type WalkOptions, walkVolume } from './safe-walk.ts';
import { type FileLookup, resolveUnchanged } from './sealed-file-delete.ts';

/** statfs's fields used for free space. */
export interface StatfsLike {
  readonly bsize: number;
  readonly blocks: number;
  readonly bavail: number;
}

/** Collaborators of the mass-storage volume face. */
export interface MassStorageVolumeOptions {
  readonly device: DetectedDevice;
  readonly mounter: VolumeMounter;
  readonly log: Logger;
  readonly walk?: WalkOptions;
  /** How to hand out a file; the simulator injects faulty sources here. Default: plain file. */
  readonly sourceFor?: (absPath: string, relPath: string) => SourceSpec;
  readonly statfs?: (dir: string) => Promise<StatfsLike>;
}

/**
 * The volume face of a recorder that docks as a USB disk (or after it switched to one): mounts the
 * volume read-only on open, lists footage with the safe walk, hands out SourceSpecs, has the
 * mounter delete one sealed file at a time (the mounter, where it mounted the volume, is the
 * only one that makes it writable), and unmounts on release. Opened only after the recorder was
 * admitted.
 */
export class MassStorageVolume implements RecorderVolume {
  private released = false;

  private constructor(
    private readonly opts: MassStorageVolumeOptions,
    readonly volume: MountedVolume,
  ) {}

  /** Mount the device's volume and return its volume face. */
  static async open(opts: MassStorageVolumeOptions): Promise<MassStorageVolume> {
    const { device } = opts;
    if (!device.devNode || !device.fsType) {
      throw new UnsupportedOperationError(
        'mass-storage',
        `mount ${device.key}`,
        'the device has no block device node with a file system',
      );
    }
    const volume = await opts.mounter.mount({
      devNode: device.devNode,
      fsType: device.fsType,
      name: device.key,
    });
    return new MassStorageVolume(opts, volume);
  }

  get device(): DetectedDevice {
    return this.opts.device;
  }

  async storage(): Promise<StorageReading> {
    const st = await this.guard(() => (this.opts.statfs ?? nodeStatfs)(this.volume.mountPoint));
    return { freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize };
  }

  async listFiles(): Promise<FootageListing> {
    const listing = await this.guard(() => walkVolume(this.volume.mountPoint, this.opts.walk));
    for (const s of listing.skipped)
      this.opts.log.info({ relPath: s.relPath, reason: s.reason }, 'recorder entry skipped');
    return listing;
  }

  async openFile(relPath: string): Promise<SourceSpec> {
    const { abs } = await this.resolve(relPath);
    return this.opts.sourceFor?.(abs, relPath) ?? { path: abs };
  }

  async deleteFile(relPath: string, expect: FileExpectation): Promise<void> {
    // A quick look in our own view first: a changed or unsafe file is refused without asking.
    await this.guard(() => resolveUnchanged(this.volume.mountPoint, relPath, expect, this.lookup));
    await this.guard(() => this.opts.mounter.deleteFile(this.volume, relPath, expect));
    this.opts.log.info({ relPath, size: expect.size }, 'recorder file deleted after seal');
  }

  async release(options: { deviceGone?: boolean } = {}): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.opts.mounter.unmount(this.volume, options);
  }

  private get lookup(): FileLookup {
    return { fs: this.opts.walk?.fs, limits: this.opts.walk?.limits };
  }

  private resolve(relPath: string) {
    return this.guard(() => resolveInside(this.volume.mountPoint, relPath, this.lookup));
  }

  /**
   * Map "the disk went away" to DeviceGoneError naming this recorder: an errno code, or the
   * mounter (or its helper) saying so. Other errors (EIO among them) pass through, and the
   * session asks the watcher whether the disk really left.
   */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const code = errnoCode(err);
      if (code !== undefined && DEVICE_GONE_ERRNOS.has(code))
        throw new DeviceGoneError(this.opts.device.key, `${code} on its volume`, { cause: err });
      if (isDeviceGone(err))
        throw new DeviceGoneError(this.opts.device.key, 'its mounter found the disk gone', { cause: err });
      throw err;
    }
  }
}
