import iconv from 'iconv-lite';
import type { Logger } from 'pino';
import type {
  ClockSyncResult,
  DetectedDevice,
  Now,
  RecorderAssignment,
  RecorderControl,
  RecorderIdentity,
} from '../contract/ports.ts';
import { DeviceGoneError, IdentityMismatchError, InvalidDeviceDataError, SdkError } from '../errors.ts';
import type { GaCall, GaSdk } from './ga-library.ts';
import { decodeAsciiField } from './gbk-text.ts';
import {
  diffZfyRaw,
  encodeZfyInfo,
  identityFromZfyInfo,
  type ZfyInfo,
  type ZfyInfoRaw,
  zfyInfoFor,
} from './zfy-info.ts';

/** The GA SDK's configuration (from the config file). The password is not a secret that protects
 * anything (vendors compare it on the host), but it is still never logged. */
export interface GaSdkSettings {
  readonly password: string;
  /** The product ID code handed to Init_Device; empty when the vendor needs none. */
  readonly idCode?: string;
  /** iRet codes this vendor uses for "device not connected"; they become DeviceGoneError. */
  readonly goneCodes?: readonly number[];
}

/**
 * The control face of a recorder over the GA 8-function SDK. It identifies the recorder (ZFY_INFO, GBK),
 * reads battery and resolution, syncs the clock (the set has no way to read it), writes the
 * officer assignment, and switches the recorder to mass storage. After every call that writes to
 * the device it reads ZFY_INFO back and compares.
 */
export class GaSdkDriver implements RecorderControl {
  readonly driver = 'ga-sdk' as const;
  private readonly pwd: Uint8Array;

  private constructor(
    readonly device: DetectedDevice,
    private readonly sdk: GaSdk,
    private readonly settings: GaSdkSettings,
    private readonly log: Logger,
    private readonly now: Now,
  ) {
    this.pwd = iconv.encode(settings.password, 'gbk');
  }

  /** Initialise the device (Init_Device) and return a driver for it. */
  static async open(deps: {
    readonly device: DetectedDevice;
    readonly sdk: GaSdk;
    readonly settings: GaSdkSettings;
    readonly log: Logger;
    readonly now: Now;
  }): Promise<GaSdkDriver> {
    const driver = new GaSdkDriver(deps.device, deps.sdk, deps.settings, deps.log, deps.now);
    driver.check('Init_Device', await deps.sdk.initDevice(iconv.encode(deps.settings.idCode ?? '', 'gbk')));
    return driver;
  }

  async identify(): Promise<RecorderIdentity> {
    return identityFromZfyInfo(await this.readInfo(), this.device);
  }

  /** The product ID code the device reports (GetIDCode). */
  async idCode(): Promise<string> {
    const r = this.check('GetIDCode', await this.sdk.getIdCode());
    return decodeAsciiField(r.value, 'ID code', this.device.key);
  }

  async syncClock(): Promise<ClockSyncResult> {
    const before = await this.readInfo();
    this.check('SyncDevTime', await this.sdk.syncDevTime(this.pwd));
    const setTo = this.now();
    await this.compareAfter('SyncDevTime', before);
    this.log.info({ key: this.device.key }, 'recorder clock synced through the SDK');
    return { setTo, method: 'sdk-sync', readBack: null };
  }

  async enterMassStorage(): Promise<void> {
    // SetMSDC takes the device off the SDK (it re-enumerates as a disk): ZFY_INFO cannot be read
    // back after it, so it is read just before; the disk is tied back by the watcher's claim.
    await this.readInfo();
    this.check('SetMSDC', await this.sdk.setMsdc(this.pwd));
    this.log.info({ key: this.device.key }, 'recorder told to switch to mass storage');
  }

  async battery(): Promise<number> {
    const r = this.check('ReadDeviceBatteryDumpEnergy', await this.sdk.readBattery(this.pwd));
    if (!Number.isInteger(r.value) || r.value < 0 || r.value > 100) {
      throw new InvalidDeviceDataError('battery level', this.device.key, `${r.value} is not a percentage`);
    }
    return r.value;
  }

  /** Video resolution the recorder is set to. */
  async resolution(): Promise<{ readonly width: number; readonly height: number }> {
    const { value } = this.check('ReadDeviceResolution', await this.sdk.readResolution(this.pwd));
    if (value.width <= 0 || value.height <= 0 || value.width > 16384 || value.height > 16384) {
      throw new InvalidDeviceDataError('resolution', this.device.key, `${value.width}x${value.height}`);
    }
    return value;
  }

  /** Assign the recorder (WriteZFYInfo), then read it back and compare byte for byte. */
  async writeIdentity(info: ZfyInfo): Promise<void> {
    const raw = encodeZfyInfo(info);
    this.check('WriteZFYInfo', await this.sdk.writeZfyInfo(raw, this.pwd));
    await this.compareAfter('WriteZFYInfo', raw);
    this.log.info({ key: this.device.key, officerNo: info.userNo }, 'recorder assignment written');
  }

  /** Hand the recorder to an officer: write the identity, keeping the device's own serial. */
  async assignOfficer(a: RecorderAssignment): Promise<void> {
    await this.writeIdentity(zfyInfoFor(a));
  }

  async release(): Promise<void> {}

  private async readInfo(): Promise<ZfyInfoRaw> {
    return this.check('GetZFYInfo', await this.sdk.getZfyInfo(this.pwd)).value;
  }

  private async compareAfter(call: string, expected: ZfyInfoRaw): Promise<void> {
    const diff = diffZfyRaw(expected, await this.readInfo());
    if (diff.length > 0) throw new IdentityMismatchError(this.device.key, call, diff);
  }

  private check<T>(fn: string, r: GaCall<T>): GaCall<T> {
    if (r.ok) return r;
    this.log.warn({ key: this.device.key, fn, iRet: r.iRet }, 'SDK call failed');
    if (this.settings.goneCodes?.includes(r.iRet))
      throw new DeviceGoneError(this.device.key, `the SDK reports it not connected (code ${r.iRet})`);
    throw new SdkError(fn, r.iRet, this.device.key);
  }
}
