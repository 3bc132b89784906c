import type { DetectedDevice, RecorderControl, RecorderIdentity } from '../contract/ports.ts';

const PRINTABLE_SERIAL = /^[\x21-\x7e]{1,64}$/;

/**
 * The control face of a recorder that docks as a plain USB disk. Its identity comes from what
 * udev reported (USB serial, else file-system UUID or label): nothing is mounted or read before
 * the recorder is admitted. It has no clock, battery or binding to offer.
 */
export class DiskControl implements RecorderControl {
  readonly driver = 'mass-storage' as const;

  constructor(readonly device: DetectedDevice) {}

  async identify(): Promise<RecorderIdentity> {
    const d = this.device;
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

  async release(): Promise<void> {}
}
