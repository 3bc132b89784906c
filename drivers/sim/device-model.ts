import iconv from 'iconv-lite';
import { ZFY_FIELDS, type ZfyField, type ZfyInfoRaw } from '../ga-sdk/zfy-info.ts';
import type { SimDeviceState, SimIdentity } from './sim-device-state.ts';

/** Card capacity and free space of a simulated recorder. */
export interface SimStorage {
  readonly totalBytes: number;
  readonly freeBytes: number;
}

/**
 * What the simulated serial firmware needs from "the device". Two implementations: the C
 * library's state (so the GA and serial faces of one recorder agree) and a plain in-memory one
 * for unit tests that run without gcc.
 */
export interface SimDeviceModel {
  present(): boolean;
  inMassStorage(): boolean;
  enterMassStorage(): void;
  identityRaw(): ZfyInfoRaw;
  writeIdentityRaw(raw: ZfyInfoRaw): void;
  idCode(): string;
  password(): string;
  battery(): number;
  resolution(): { readonly width: number; readonly height: number };
  skewMs(): number;
  setSkewMs(ms: number): void;
  storage(): SimStorage;
}

/** Identity text to raw ZFY_INFO fields (GBK, zero-padded, cut to the field). */
export function identityToRaw(identity: SimIdentity): ZfyInfoRaw {
  const text: Record<ZfyField, string> = {
    cSerial: identity.serial,
    userNo: identity.userNo,
    userName: identity.userName,
    unitNo: identity.unitNo,
    unitName: identity.unitName,
  };
  const out = {} as Record<ZfyField, Uint8Array>;
  for (const [name, size] of ZFY_FIELDS) {
    const field = new Uint8Array(size);
    field.set(iconv.encode(text[name], 'gbk').subarray(0, size));
    out[name] = field;
  }
  return out;
}

/** An in-memory device for unit tests. Fields are public so tests can poke them. */
export class MemoryDeviceModel implements SimDeviceModel {
  isPresent = true;
  msdc = false;
  raw: ZfyInfoRaw;
  skew = 0;
  batteryPct = 80;
  card: SimStorage = { totalBytes: 32 * 2 ** 30, freeBytes: 20 * 2 ** 30 };

  constructor(
    identity: SimIdentity,
    readonly pwd = '888888',
    readonly id = 'ZFYSIM01',
  ) {
    this.raw = identityToRaw(identity);
  }

  present = () => this.isPresent;
  inMassStorage = () => this.msdc;
  enterMassStorage = () => {
    this.msdc = true;
  };
  identityRaw = () => this.raw;
  writeIdentityRaw = (raw: ZfyInfoRaw) => {
    this.raw = raw;
  };
  idCode = () => this.id;
  password = () => this.pwd;
  battery = () => this.batteryPct;
  resolution = () => ({ width: 1920, height: 1080 });
  skewMs = () => this.skew;
  setSkewMs = (ms: number) => {
    this.skew = ms;
  };
  storage = () => this.card;
}

const FIELD_KEYS: Record<ZfyField, 'serial' | 'userNo' | 'userName' | 'unitNo' | 'unitName'> = {
  cSerial: 'serial',
  userNo: 'userNo',
  userName: 'userName',
  unitNo: 'unitNo',
  unitName: 'unitName',
};

/** The C library's state as a device model (storage is not the library's business). */
export function gaStateModel(
  state: SimDeviceState,
  storage: () => SimStorage,
  password: string,
): SimDeviceModel {
  return {
    present: () => state.num('present') === 1,
    inMassStorage: () => state.num('msdc') === 1,
    enterMassStorage: () => state.set('msdc', 1),
    identityRaw: () => {
      const out = {} as Record<ZfyField, Uint8Array>;
      for (const [name] of ZFY_FIELDS) out[name] = new Uint8Array(state.fieldBytes(FIELD_KEYS[name]));
      return out;
    },
    writeIdentityRaw: (raw) => {
      for (const [name] of ZFY_FIELDS) state.setFieldBytes(FIELD_KEYS[name], raw[name]);
    },
    idCode: () => state.get('idCode'),
    password: () => password,
    battery: () => state.num('battery'),
    resolution: () => ({ width: state.num('width'), height: state.num('height') }),
    skewMs: () => state.num('skewMs'),
    setSkewMs: (ms) => state.set('skewMs', Math.round(ms)),
    storage,
  };
}
