import iconv from 'iconv-lite';
import type { Logger } from 'pino';
import type {
  ClockReading,
  ClockSyncResult,
  DetectedDevice,
  Now,
  RecorderAssignment,
  RecorderControl,
  RecorderIdentity,
  StorageReading,
} from '../contract/ports.ts';
import { DeviceGoneError, IdentityMismatchError, InvalidDeviceDataError, ProtocolError } from '../errors.ts';
import { decodeAsciiField } from '../ga-sdk/gbk-text.ts';
import {
  diffZfyRaw,
  encodeZfyInfo,
  identityFromZfyInfo,
  type ZfyInfo,
  type ZfyInfoRaw,
  zfyInfoFor,
} from '../ga-sdk/zfy-info.ts';
import { Cmd, hexArg, parseHexArg, requireZfy, zfyToArgs } from './commands.ts';
import { DEFAULT_DEVICE_UTC_OFFSET_MIN, formatDeviceTime, parseDeviceTime } from './device-time.ts';
import { SerialClient, type SerialClientOptions } from './serial-client.ts';
import type { SerialLink } from './serial-link.ts';

/** Settings of the serial driver (from the config file). */
export interface SerialSettings extends Omit<SerialClientOptions, 'log'> {
  readonly password: string;
  /** UTC offset of the recorders' local clocks, minutes. Default +480 (Beijing). */
  readonly deviceUtcOffsetMinutes?: number;
  /** Largest clock error accepted right after setting the clock. Default 2000 ms. */
  readonly clockToleranceMs?: number;
}

/**
 * The control face of a recorder over the CDC-ACM command channel (drivers/serial/PROTOCOL.md):
 * the GA functions plus reading the clock and free storage. Its files are on the disk it becomes
 * after MSDC. Writes (WINFO, STIME) are followed by an
 * INFO read-back compare, and STIME by a TIME read-back.
 */
export class SerialRecorderDriver implements RecorderControl {
  readonly driver = 'serial' as const;

  private constructor(
    readonly device: DetectedDevice,
    private readonly client: SerialClient,
    private readonly settings: SerialSettings,
    private readonly log: Logger,
    private readonly now: Now,
  ) {}

  /** Open the channel and log in (HELLO with the device password). */
  static async open(deps: {
    readonly device: DetectedDevice;
    readonly link: SerialLink;
    readonly settings: SerialSettings;
    readonly log: Logger;
    readonly now: Now;
  }): Promise<SerialRecorderDriver> {
    const client = new SerialClient(deps.link, { ...deps.settings, log: deps.log });
    const driver = new SerialRecorderDriver(deps.device, client, deps.settings, deps.log, deps.now);
    try {
      await client.request(Cmd.hello, [hexArg(iconv.encode(deps.settings.password, 'gbk'))]);
    } catch (err) {
      await client.close();
      throw err;
    }
    return driver;
  }

  /** Frame statistics (noise, bad frames, retries) of this session. */
  get stats() {
    return this.client.stats;
  }

  async identify(): Promise<RecorderIdentity> {
    return identityFromZfyInfo(await this.readInfo(), this.device);
  }

  /** The product ID code. */
  async idCode(): Promise<string> {
    const [hex = ''] = await this.client.request(Cmd.idCode);
    const bytes = parseHexArg(hex, 64);
    if (bytes === null) throw new ProtocolError(this.client.portName, 'the IDCODE answer is malformed');
    return decodeAsciiField(bytes, 'ID code', this.device.key);
  }

  async readClock(): Promise<ClockReading> {
    const before = this.now().getTime();
    const [text = ''] = await this.client.request(Cmd.time);
    const after = this.now().getTime();
    const deviceTime = parseDeviceTime(text, this.offset);
    if (deviceTime === null)
      throw new InvalidDeviceDataError('clock', this.device.key, `${JSON.stringify(text)} is not a time`);
    const hostTime = new Date(Math.round((before + after) / 2));
    return { deviceTime, hostTime, skewMs: deviceTime.getTime() - hostTime.getTime() };
  }

  async syncClock(): Promise<ClockSyncResult> {
    const infoBefore = await this.readInfo();
    const setTo = this.now();
    await this.client.request(Cmd.setTime, [formatDeviceTime(setTo, this.offset)]);
    await this.compareAfter('STIME', infoBefore);
    const readBack = await this.readClock();
    if (Math.abs(readBack.skewMs) > (this.settings.clockToleranceMs ?? 2000)) {
      throw new InvalidDeviceDataError(
        'clock',
        this.device.key,
        `it is ${readBack.skewMs} ms off right after being set`,
      );
    }
    this.log.info({ key: this.device.key, skewMs: readBack.skewMs }, 'recorder clock set');
    return { setTo, method: 'set-time', readBack };
  }

  async enterMassStorage(): Promise<void> {
    await this.readInfo();
    try {
      await this.client.request(Cmd.massStorage);
    } catch (err) {
      // A recorder leaves the channel as it switches: it may re-enumerate before its answer is
      // read (seen on a real USB stack). The disk it becomes is awaited by the caller's claim.
      if (!(err instanceof DeviceGoneError)) throw err;
      this.log.info({ key: this.device.key }, 'recorder left the channel on MSDC');
    }
    this.log.info({ key: this.device.key }, 'recorder told to switch to mass storage');
    await this.client.close();
  }

  async battery(): Promise<number> {
    const [text = ''] = await this.client.request(Cmd.battery);
    const pct = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (!(pct >= 0 && pct <= 100))
      throw new InvalidDeviceDataError(
        'battery level',
        this.device.key,
        `${JSON.stringify(text)} is not a percentage`,
      );
    return pct;
  }

  async storage(): Promise<StorageReading> {
    const [free = '', total = ''] = await this.client.request(Cmd.storage);
    const f = /^\d{1,15}$/.test(free) ? Number(free) : Number.NaN;
    const t = /^\d{1,15}$/.test(total) ? Number(total) : Number.NaN;
    if (!Number.isSafeInteger(f) || !Number.isSafeInteger(t) || f > t) {
      throw new InvalidDeviceDataError(
        'storage',
        this.device.key,
        `free ${JSON.stringify(free)} of ${JSON.stringify(total)}`,
      );
    }
    return { freeBytes: f, totalBytes: t };
  }

  /** Assign the recorder (WINFO), then read it back and compare. */
  async writeIdentity(info: ZfyInfo): Promise<void> {
    const raw = encodeZfyInfo(info);
    await this.client.request(Cmd.writeInfo, zfyToArgs(raw));
    await this.compareAfter('WINFO', raw);
  }

  /** Hand the recorder to an officer: write the identity, keeping the device's own serial. */
  async assignOfficer(a: RecorderAssignment): Promise<void> {
    await this.writeIdentity(zfyInfoFor(a));
  }

  async release(): Promise<void> {
    await this.client.close();
  }

  private get offset(): number {
    return this.settings.deviceUtcOffsetMinutes ?? DEFAULT_DEVICE_UTC_OFFSET_MIN;
  }

  private async readInfo(): Promise<ZfyInfoRaw> {
    return requireZfy(await this.client.request(Cmd.info), this.client.portName);
  }

  private async compareAfter(call: string, expected: ZfyInfoRaw): Promise<void> {
    const diff = diffZfyRaw(expected, await this.readInfo());
    if (diff.length > 0) throw new IdentityMismatchError(this.device.key, call, diff);
  }
}
