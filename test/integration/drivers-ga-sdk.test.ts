import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DetectedDevice } from '../../drivers/contract/ports.ts';
import {
  DeviceGoneError,
  GbkDecodeError,
  IdentityMismatchError,
  SdkError,
  SdkLoadError,
  SdkTimeoutError,
} from '../../drivers/errors.ts';
import { GaSdkDriver } from '../../drivers/ga-sdk/ga-driver.ts';
import { loadGaLibrary } from '../../drivers/ga-sdk/ga-library.ts';
import { privateGaSimLibrary } from '../../drivers/sim/ga-sim-build.ts';
import { SIM_GA_SETTINGS } from '../../drivers/sim/sim-defaults.ts';
import { SimDeviceState } from '../../drivers/sim/sim-device-state.ts';

const device = {
  key: 'usb:1209:0001:A123456',
  match: { model: 'DSJ-EXAMPLE-GA', vendor: 'Example vendor' },
} as DetectedDevice;

describe('GA SDK through koffi, against the compiled simulated library', () => {
  let dir: string;
  let libPath: string;
  let state: SimDeviceState;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drivers-ga-'));
    libPath = await privateGaSimLibrary(dir); // gcc, as a vendor's .so would be shipped
    state = new SimDeviceState(libPath);
  });
  after(async () => {
    state.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fresh = () => {
    state.set('reset', 1);
    state.set('present', 1);
    state.set('msdc', 0);
    state.set('initialised', 0);
    state.set('password', SIM_GA_SETTINGS.password);
    state.set('idCode', 'ZFYSIM01');
    state.set('corruptWrite', 0);
    state.set('battery', 64);
    state.setIdentity({
      serial: 'A123456',
      userNo: '000123',
      userName: '张三',
      unitNo: '441900000001',
      unitName: '城关镇综合行政执法队',
    });
  };
  const open = (sdk = loadGaLibrary(libPath), settings = SIM_GA_SETTINGS) =>
    GaSdkDriver.open({ device, sdk, settings, log: silentLogger(), now: () => new Date() });

  it('reads the GBK identity, ID code, battery and resolution through the 8-function set', async () => {
    fresh();
    const drv = await open();
    const id = await drv.identify();
    assert.deepEqual(
      {
        serial: id.serial,
        officerNo: id.officerNo,
        officerName: id.officerName,
        unitNo: id.unitNo,
        unitName: id.unitName,
      },
      {
        serial: 'A123456',
        officerNo: '000123',
        officerName: '张三',
        unitNo: '441900000001',
        unitName: '城关镇综合行政执法队',
      },
    );
    assert.equal(await drv.idCode(), 'ZFYSIM01');
    assert.equal(await drv.battery(), 64);
    assert.deepEqual(await drv.resolution(), { width: 1920, height: 1080 });
    assert.equal(state.calls('Init_Device'), 1);
  });

  it('syncs the clock (SyncDevTime) and checks the identity did not change', async () => {
    fresh();
    state.set('skewMs', -7_200_000);
    const drv = await open();
    await drv.syncClock();
    assert.equal(state.num('skewMs'), 0);
    assert.equal(state.calls('GetZFYInfo'), 2, 'read before and read back after');
  });

  it('writes an assignment and reads it back; a device that stores something else is caught', async () => {
    fresh();
    const drv = await open();
    await drv.writeIdentity({
      serial: 'A123456',
      userNo: '000456',
      userName: '李四',
      unitNo: '441900000001',
      unitName: '城关镇',
    });
    assert.deepEqual(state.fieldBytes('userName').subarray(0, 4), iconv.encode('李四', 'gbk'));
    state.set('corruptWrite', 1);
    await assert.rejects(
      drv.writeIdentity({
        serial: 'A123456',
        userNo: '000789',
        userName: '王五',
        unitNo: '441900000001',
        unitName: '城关镇',
      }),
      (e: unknown) => e instanceof IdentityMismatchError && e.fields.join() === 'userNo',
    );
  });

  it('reports injected failures with their iRet, a wrong password, and an unplugged device', async () => {
    fresh();
    const drv = await open();
    state.failCall('ReadDeviceBatteryDumpEnergy', -3, true);
    await assert.rejects(drv.battery(), (e: unknown) => e instanceof SdkError && e.iRet === -3);
    assert.equal(await drv.battery(), 64, 'a one-shot failure');
    const wrong = await open(loadGaLibrary(libPath), { ...SIM_GA_SETTINGS, password: '000000' });
    await assert.rejects(wrong.identify(), (e: unknown) => e instanceof SdkError && e.iRet === -2);
    state.set('present', 0);
    await assert.rejects(drv.identify(), DeviceGoneError);
  });

  it('refuses an officer name that is not valid GBK', async () => {
    fresh();
    state.setFieldBytes('userName', Uint8Array.from([0xd5, 0xc5, 0x81, 0x7f]));
    const drv = await open();
    await assert.rejects(drv.identify(), GbkDecodeError);
  });

  it('switches to mass storage (SetMSDC), after which the SDK reports the device gone', async () => {
    fresh();
    const drv = await open();
    await drv.enterMassStorage();
    assert.equal(state.num('msdc'), 1);
    await assert.rejects(drv.battery(), DeviceGoneError);
  });

  it('abandons a call that hangs, without blocking the event loop', async () => {
    fresh();
    state.hangCall('ReadDeviceBatteryDumpEnergy', 400);
    const drv = await open(loadGaLibrary(libPath, { callTimeoutMs: 100 }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await assert.rejects(drv.battery(), SdkTimeoutError);
    clearInterval(timer);
    assert.ok(ticks >= 5, `event loop ran ${ticks} times during the hung call`);
    state.hangCall('ReadDeviceBatteryDumpEnergy', 0);
    await assert.rejects(
      drv.battery(),
      SdkTimeoutError,
      'refused at once while the hung call has not returned',
    );
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await drv.battery(), 64, 'usable again once the hung call returned');
  });

  it('refuses a library that is missing or lacks a standard function', async () => {
    assert.throws(() => loadGaLibrary(path.join(dir, 'missing.so')), SdkLoadError);
    const notSo = path.join(dir, 'not-a-library.so');
    await writeFile(notSo, 'text');
    assert.throws(() => loadGaLibrary(notSo), SdkLoadError);
    assert.throws(
      () => loadGaLibrary('libm.so.6'),
      (e: unknown) => e instanceof SdkLoadError && /no usable Init_Device/.test(e.message),
    );
  });
});
