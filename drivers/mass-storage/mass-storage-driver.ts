import { statfs as nodeStatfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { errnoCode } from '../../agent/errors.ts';
import { fsyncDir } from '../../agent/fs/durable-write.ts';
import type { SourceSpec } from '../../agent/ingest/source.ts';
import { DeviceGoneError, UnsafeEntryError, UnsupportedOperationError } from '../errors.ts';
import type {
  DetectedDevice,
  DriverCapabilities,
  FootageListing,
  MountedVolume,
  RecorderDriver,
  RecorderIdentity,
  StorageReading,
  VolumeMounter,
} from '../ports.ts';
import { resolveInside } from './safe-path.ts';
import { type WalkOptions, walkVolume } from './safe-walk.ts';

/** statfs's fields used for free space. */
export interface StatfsLike {
  readonly bsize: number;
  readonly blocks: number;
  readonly bavail: number;
}

/** Collaborators of the mass-storage driver. */
export interface MassStorageDriverOptions {
  readonly device: DetectedDevice;
  readonly mounter: VolumeMounter;
  readonly log: Logger;
  readonly walk?: WalkOptions;
  /** How to hand out a file; the simulator injects faulty sources here. Default: plain file. */
  readonly sourceFor?: (absPath: string, relPath: string) => SourceSpec;
  readonly statfs?: (dir: string) => Promise<StatfsLike>;
}

const PRINTABLE_SERIAL = /^[\x21-\x7e]{1,64}$/;

/** Errors that mean the disk went away under us. */
const GONE_CODES = new Set(['EIO', 'ENODEV', 'ENXIO', 'ENOTCONN', 'ESHUTDOWN']);

/**
 * The driver for a recorder that docks as a USB disk (or after it switched to one): mounts the
 * volume read-only on open, lists footage with the safe walk, hands out SourceSpecs, deletes one
 * file at a time through the mounter's read-write step, and unmounts on release.
 */
export class MassStorageDriver implements RecorderDriver {
  readonly driver = 'mass-storage' as const;
  readonly capabilities: DriverCapabilities = {
    readClock: false,
    setClock: false,
    needsMassStorageSwitch: false,
    files: true,
    battery: false,
    storage: true,
    writeIdentity: false,
  };
  private released = false;

  private constructor(
    private readonly opts: MassStorageDriverOptions,
    readonly volume: MountedVolume,
  ) {}

  /** Mount the device's volume and return a driver for it. */
  static async open(opts: MassStorageDriverOptions): Promise<MassStorageDriver> {
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
    return new MassStorageDriver(opts, volume);
  }

  get device(): DetectedDevice {
    return this.opts.device;
  }

  async identify(): Promise<RecorderIdentity> {
    const d = this.opts.device;
    const candidates = [d.usb.serial, d.fsUuid, d.fsLabel];
    const serial = candidates.find((c): c is string => c !== null && PRINTABLE_SERIAL.test(c)) ?? d.key;
    return {
      serial,
      officerNo: null,
      officerName: null,
      unitNo: null,
      unitName: null,
      model: d.match?.model ?? 'unknown',
      vendor: d.match?.vendor ?? 'unknown',
    };
  }

  async readClock(): Promise<null> {
    return null;
  }

  async syncClock(): Promise<never> {
    throw new UnsupportedOperationError(
      'mass-storage',
      'set the clock',
      'a plain USB disk has no clock interface; use the vendor tool or the SDK driver',
    );
  }

  async enterMassStorage(): Promise<void> {}

  async assignOfficer(): Promise<void> {
    throw new UnsupportedOperationError(
      'mass-storage',
      'write the officer into the recorder',
      'a plain USB disk has no identity to write; bind the officer in the ledger only',
    );
  }

  async battery(): Promise<null> {
    return null;
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
    return this.opts.sourceFor?.(abs, relPath) ?? { kind: 'file', path: abs };
  }

  async deleteFile(relPath: string, expect: { size: number; mtimeMs: number }): Promise<void> {
    await this.checkUnchanged(relPath, expect);
    await this.guard(() =>
      this.opts.mounter.withWritable(this.volume, async () => {
        const { abs } = await this.checkUnchanged(relPath, expect);
        await unlink(abs);
        await fsyncDir(path.dirname(abs));
      }),
    );
    this.opts.log.info({ relPath, size: expect.size }, 'recorder file deleted after seal');
  }

  async release(options: { deviceGone?: boolean } = {}): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.opts.mounter.unmount(this.volume, options);
  }

  private resolve(relPath: string) {
    return this.guard(() =>
      resolveInside(this.volume.mountPoint, relPath, {
        fs: this.opts.walk?.fs,
        limits: this.opts.walk?.limits,
      }),
    );
  }

  private async checkUnchanged(relPath: string, expect: { size: number; mtimeMs: number }) {
    const found = await this.resolve(relPath);
    if (found.stat.size !== expect.size || Math.trunc(found.stat.mtimeMs) !== Math.trunc(expect.mtimeMs)) {
      throw new UnsafeEntryError(
        relPath,
        'it changed since it was sealed (size or modification time differ), so it is not deleted',
      );
    }
    return found;
  }

  /** Map "the disk went away" errno codes to DeviceGoneError; other errors pass through. */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const code = errnoCode(err);
      if (code !== undefined && GONE_CODES.has(code))
        throw new DeviceGoneError(this.opts.device.key, `${code} on its volume`, { cause: err });
      throw err;
    }
  }
}
