import type { Now, SpawnFn } from '../contract/ports.ts';
import { openSerialLink, type SerialLink } from '../serial/serial-link.ts';
import type { SimDeviceModel } from './device-model.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { type FirmwareFaults, SimFirmware } from './sim-firmware.ts';

/**
 * A simulated recorder's command port: a socat pty pair whose device end is driven by
 * SimFirmware through serialport@13, and whose host end is what the dock opens.
 */
export class SimSerialPort {
  private constructor(
    private readonly pair: PtyPair,
    private readonly link: SerialLink,
    readonly firmware: SimFirmware,
  ) {}

  /** Start socat, attach the firmware to the device end, and send the boot banner. */
  static async open(
    model: SimDeviceModel,
    opts: {
      readonly now: Now;
      readonly utcOffsetMinutes?: number;
      readonly faults?: FirmwareFaults;
      readonly spawn?: SpawnFn;
      readonly onMassStorage?: () => void;
    },
  ): Promise<SimSerialPort> {
    const pair = await openPtyPair(opts.spawn);
    let link: SerialLink;
    try {
      link = await openSerialLink(pair.devicePath);
    } catch (err) {
      await pair.close();
      throw err;
    }
    const firmware = new SimFirmware(link, model, opts);
    await firmware.boot();
    return new SimSerialPort(pair, link, firmware);
  }

  /** The pty the host opens (stands in for /dev/ttyACM0). */
  get hostPath(): string {
    return this.pair.hostPath;
  }

  /** Hang up: close the device end and stop socat. */
  async close(): Promise<void> {
    await this.link.close();
    await this.pair.close();
  }
}
