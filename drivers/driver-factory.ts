import type { Logger } from 'pino';
import type {
  DetectedDevice,
  Now,
  RecorderControl,
  RecorderDriverFactory,
  RecorderVolume,
  VolumeMounter,
} from './contract/ports.ts';
import { UnsupportedOperationError } from './errors.ts';
import { GaSdkDriver, type GaSdkSettings } from './ga-sdk/ga-driver.ts';
import type { GaSdk } from './ga-sdk/ga-library.ts';
import { DiskControl } from './mass-storage/disk-control.ts';
import { MassStorageVolume, type MassStorageVolumeOptions } from './mass-storage/mass-storage-volume.ts';
import type { WalkOptions } from './mass-storage/safe-walk.ts';
import { SerialRecorderDriver, type SerialSettings } from './serial/serial-driver.ts';
import type { SerialLink } from './serial/serial-link.ts';

/** Everything the factory needs to build any driver. Real and simulated wiring differ only here. */
export interface DriverFactoryDeps {
  readonly log: Logger;
  readonly now: Now;
  readonly mounter: VolumeMounter;
  readonly walk?: WalkOptions;
  /** The GA SDK serving a device, or null when none is configured. */
  readonly gaSdkFor?: (device: DetectedDevice) => GaSdk | null;
  readonly gaSettings?: GaSdkSettings;
  /** Open the serial port of a tty device. */
  readonly openSerial?: (devNode: string) => Promise<SerialLink>;
  readonly serialSettings?: SerialSettings;
  /** Extra mass-storage options for a device (the simulator's fault injection and statfs). */
  readonly massStorageExtras?: (
    device: DetectedDevice,
  ) => Pick<MassStorageVolumeOptions, 'sourceFor' | 'statfs'>;
}

/** Picks and opens the faces of the driver the fingerprint match names. */
export class DefaultDriverFactory implements RecorderDriverFactory {
  constructor(private readonly deps: DriverFactoryDeps) {}

  /** Mount a disk (a plain recorder, or the disk a recorder switched to) as a volume face. */
  async openVolume(device: DetectedDevice): Promise<RecorderVolume> {
    return MassStorageVolume.open({
      device,
      mounter: this.deps.mounter,
      log: this.deps.log.child({ device: device.key }),
      walk: this.deps.walk,
      ...this.deps.massStorageExtras?.(device),
    });
  }

  async openControl(device: DetectedDevice): Promise<RecorderControl> {
    const log = this.deps.log.child({ device: device.key });
    switch (device.match?.driver ?? (device.claimedBy ? 'mass-storage' : undefined)) {
      case 'mass-storage':
        return new DiskControl(device);
      case 'ga-sdk': {
        const sdk = this.deps.gaSdkFor?.(device) ?? null;
        if (!sdk || !this.deps.gaSettings)
          throw notConfigured(device, 'ga-sdk', 'set gaSdk.libraryPath and gaSdk.password in the config');
        return GaSdkDriver.open({ device, sdk, settings: this.deps.gaSettings, log, now: this.deps.now });
      }
      case 'serial': {
        if (!device.devNode || !this.deps.openSerial || !this.deps.serialSettings) {
          throw notConfigured(device, 'serial', 'set serial.password in the config');
        }
        const link = await this.deps.openSerial(device.devNode);
        return SerialRecorderDriver.open({
          device,
          link,
          settings: this.deps.serialSettings,
          log,
          now: this.deps.now,
        });
      }
      default:
        throw new UnsupportedOperationError(
          'recorder',
          `serve ${device.key}`,
          'no fingerprint entry names a driver for it; add one to the config',
        );
    }
  }
}

function notConfigured(device: DetectedDevice, driver: string, hint: string): UnsupportedOperationError {
  return new UnsupportedOperationError(driver, `serve ${device.key} without its configuration`, hint);
}
