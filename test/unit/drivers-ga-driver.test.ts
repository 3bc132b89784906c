import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { createRootLogger, silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice, RecorderControl } from '../../drivers/contract/ports.ts';
import {
  DeviceGoneError,
  GbkDecodeError,
  IdentityMismatchError,
  InvalidDeviceDataError,
  SdkError,
  TextEncodeError,
} from '../../drivers/errors.ts';
import { GaSdkDriver } from '../../drivers/ga-sdk/ga-driver.ts';
import type { GaCall, GaSdk } from '../../drivers/ga-sdk/ga-library.ts';
import { decodeGbkField, encodeGbkField, fieldBytes } from '../../drivers/ga-sdk/gbk-text.ts';
import { decodeZfyInfo, packZfyInfo, ZFY_INFO_SIZE, type ZfyInfoRaw } from '../../drivers/ga-sdk/zfy-info.ts';
import { identityToRaw } from '../../drivers/sim/device-model.ts';

const identity = {
  serial: 'A123456',
  userNo: '000123',
  userName: '张三',
  unitNo: '441900000001',
  unitName: '城关镇综合行政执法队',
};
const device = {
  key: 'usb:1209:0001:A123456',
  match: { model: 'DSJ-EXAMPLE-GA', vendor: 'Example vendor' },
} as DetectedDevice;
const ok = <T>(value: T): GaCall<T> => ({ ok: true, iRet: 0, value });

/** A GaSdk twin in TypeScript: records calls and passwords, fails on request. */
class FakeSdk implements GaSdk {
  readonly libraryPath = 'fake';
  info: ZfyInfoRaw = identityToRaw(identity);
  battery = 76;
  fail = new Map<string, number>();
  keepWrites = true;
  passwords: string[] = [];
  calls: string[] = [];

  private call<T>(name: string, value: T, pwd?: Uint8Array): GaCall<T> {
    this.calls.push(name);
    if (pwd) this.passwords.push(Buffer.from(pwd).toString());
    const code = this.fail.get(name);
    return code === undefined ? ok(value) : { ok: false, iRet: code, value };
  }
  initDevice = async () => this.call('Init_Device', null);
  getIdCode = async () => this.call('GetIDCode', Buffer.from('ZFYSIM01\0'));
  getZfyInfo = async (pwd: Uint8Array) => this.call('GetZFYInfo', this.info, pwd);
  writeZfyInfo = async (info: ZfyInfoRaw, pwd: Uint8Array) => {
    if (this.keepWrites) this.info = info;
    return this.call('WriteZFYInfo', null, pwd);
  };
  syncDevTime = async (pwd: Uint8Array) => this.call('SyncDevTime', null, pwd);
  setMsdc = async (pwd: Uint8Array) => this.call('SetMSDC', null, pwd);
  readResolution = async (pwd: Uint8Array) =>
    this.call('ReadDeviceResolution', { width: 1920, height: 1080 }, pwd);
  readBattery = async (pwd: Uint8Array) => this.call('ReadDeviceBatteryDumpEnergy', this.battery, pwd);
  close() {}
}

const open = (sdk: GaSdk, log = silentLogger()) =>
  GaSdkDriver.open({
    device,
    sdk,
    settings: { password: '888888', goneCodes: [-1] },
    log,
    now: () => new Date('2026-11-21T02:00:00Z'),
  });

describe('GBK text and ZFY_INFO', () => {
  it('decodes GBK fields up to NUL and padding, and encodes them back', () => {
    const field = new Uint8Array(32).fill(0xff);
    field.set(iconv.encode('张三', 'gbk'));
    assert.equal(decodeGbkField(field, 'officer name', 'dev'), '张三');
    assert.deepEqual(
      [...fieldBytes(Buffer.from('A123456'))],
      [...Buffer.from('A123456')],
      'a full field has no NUL',
    );
    assert.deepEqual(
      encodeGbkField('张三', 32, 'officer name').subarray(0, 5),
      Uint8Array.from([0xd5, 0xc5, 0xc8, 0xfd, 0]),
    );
  });

  it('raises GbkDecodeError on invalid bytes instead of writing mojibake', () => {
    assert.throws(
      () => decodeGbkField(Uint8Array.from([0xd5, 0x20, 0x41]), 'officer name', 'dev'),
      GbkDecodeError,
    );
    assert.throws(() => decodeGbkField(Uint8Array.from([0x81]), 'officer name', 'dev'), GbkDecodeError);
    assert.throws(() => decodeGbkField(Buffer.from('a\tb'), 'unit name', 'dev'), InvalidDeviceDataError);
  });

  it('refuses text that does not fit or has no GBK form', () => {
    assert.throws(
      () => encodeGbkField('城关镇综合行政执法队城关镇综合行政执法队', 32, 'unit name'),
      TextEncodeError,
    );
    assert.throws(() => encodeGbkField('😀', 32, 'officer name'), /GBK cannot represent/);
  });

  it('packs to the 89-byte layout and validates the ASCII fields', () => {
    const raw = identityToRaw(identity);
    assert.equal(ZFY_INFO_SIZE, 89);
    const packed = packZfyInfo(raw);
    assert.equal(packed.length, 89);
    assert.equal(packed.subarray(0, 7).toString(), 'A123456');
    assert.deepEqual(decodeZfyInfo(raw, 'dev'), identity);
    const bad = { ...raw, userNo: Uint8Array.from([0x31, 0x0a]) };
    assert.throws(
      () => decodeZfyInfo(bad, 'dev'),
      (e: unknown) => e instanceof InvalidDeviceDataError && e.field === 'officer number',
    );
  });
});

describe('GA SDK driver (fake SDK)', () => {
  it('identifies the recorder and reads battery and resolution, passing the password', async () => {
    const sdk = new FakeSdk();
    const drv = await open(sdk);
    const id = await drv.identify();
    assert.equal(id.officerName, '张三');
    assert.equal(id.vendor, 'Example vendor');
    assert.equal(await drv.battery(), 76);
    assert.deepEqual(await drv.resolution(), { width: 1920, height: 1080 });
    assert.equal('readClock' in drv, false, 'the GA set cannot read the clock');
    assert.equal(await drv.idCode(), 'ZFYSIM01');
    assert.ok(sdk.passwords.every((p) => p === '888888'));
    assert.equal(sdk.calls[0], 'Init_Device');
  });

  it('reads ZFY_INFO back after every write and refuses a mismatch', async () => {
    const sdk = new FakeSdk();
    const drv = await open(sdk);
    await drv.writeIdentity({ ...identity, userNo: '000124', userName: '李四' });
    assert.equal((await drv.identify()).officerName, '李四');
    sdk.keepWrites = false;
    await assert.rejects(drv.writeIdentity({ ...identity, userNo: '000125' }), IdentityMismatchError);
    const sync = await drv.syncClock();
    assert.equal(sync.method, 'sdk-sync');
    assert.deepEqual(sdk.calls.slice(-3), ['GetZFYInfo', 'SyncDevTime', 'GetZFYInfo']);
    const orig = sdk.syncDevTime;
    sdk.syncDevTime = async (pwd) => {
      sdk.info = { ...sdk.info, unitNo: new Uint8Array(12) };
      return orig(pwd);
    };
    await assert.rejects(
      drv.syncClock(),
      (e: unknown) => e instanceof IdentityMismatchError && e.fields.includes('unitNo'),
    );
  });

  it('turns failures into SdkError with the code, or DeviceGoneError for configured codes', async () => {
    const sdk = new FakeSdk();
    const drv = await open(sdk);
    sdk.fail.set('ReadDeviceBatteryDumpEnergy', -3);
    await assert.rejects(
      drv.battery(),
      (e: unknown) => e instanceof SdkError && e.iRet === -3 && e.fn === 'ReadDeviceBatteryDumpEnergy',
    );
    sdk.fail.set('GetZFYInfo', -1);
    await assert.rejects(drv.identify(), DeviceGoneError);
    sdk.fail.set('Init_Device', -6);
    await assert.rejects(open(sdk), (e: unknown) => e instanceof SdkError && e.iRet === -6);
  });

  it('refuses hostile answers: invalid GBK, empty serial, battery out of range', async () => {
    const sdk = new FakeSdk();
    const drv = await open(sdk);
    sdk.info = { ...sdk.info, unitName: Uint8Array.from([0xfe, 0x30]) };
    await assert.rejects(drv.identify(), GbkDecodeError);
    sdk.info = { ...identityToRaw(identity), cSerial: new Uint8Array(7) };
    await assert.rejects(drv.identify(), /device serial/);
    sdk.battery = 250;
    await assert.rejects(drv.battery(), InvalidDeviceDataError);
  });

  it('is a control face: its files are reached only after the switch to mass storage', async () => {
    const drv: RecorderControl = await open(new FakeSdk());
    assert.equal(typeof drv.enterMassStorage, 'function', 'it offers the switch');
    for (const method of ['listFiles', 'openFile', 'deleteFile', 'readClock'])
      assert.equal(method in drv, false, `no ${method} on the GA control face`);
  });

  it('never logs the password or officer names', async () => {
    let out = '';
    const dest = new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createRootLogger({ level: 'debug', destination: dest });
    const sdk = new FakeSdk();
    const drv = await open(sdk, log);
    await drv.identify();
    await drv.writeIdentity({ ...identity, userName: '王五' });
    await drv.syncClock();
    sdk.fail.set('SetMSDC', -4);
    await assert.rejects(drv.enterMassStorage(), SdkError);
    assert.ok(out.length > 0, 'something was logged');
    for (const secret of ['888888', '张三', '王五', '城关镇'])
      assert.ok(!out.includes(secret), `log contains ${secret}`);
  });
});
