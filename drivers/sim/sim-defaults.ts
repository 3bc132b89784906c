import type { GaSdkSettings } from '../ga-sdk/ga-driver.ts';
import type { SerialSettings } from '../serial/serial-driver.ts';
import type { SimIdentity } from './sim-device-state.ts';

/** The device password every simulated recorder uses (config `gaSdk.password`, `serial.password`). */
export const SIM_PASSWORD = '888888';
/** The product ID code of the simulated GA library. */
export const SIM_ID_CODE = 'ZFYSIM01';

/** GA settings that fit the simulated library: -1 is its "device not connected" code. */
export const SIM_GA_SETTINGS: GaSdkSettings = {
  password: SIM_PASSWORD,
  idCode: SIM_ID_CODE,
  goneCodes: [-1],
};

/** Serial settings for the simulated firmware (short timeouts: it answers at once). */
export const SIM_SERIAL_SETTINGS: SerialSettings = { password: SIM_PASSWORD, timeoutMs: 500, retries: 2 };

/** Which interface the simulated recorder docks with. */
export type SimKind = 'mass-storage' | 'ga-sdk' | 'serial';

/** USB ids per kind: the control face, then the disk face (see drivers/fingerprints.json examples). */
export const SIM_USB_IDS: Record<
  SimKind,
  { readonly control: readonly [string, string]; readonly disk: readonly [string, string] }
> = {
  'ga-sdk': { control: ['1209', '0001'], disk: ['1209', '0002'] },
  serial: { control: ['1209', '0003'], disk: ['1209', '0004'] },
  'mass-storage': { control: ['1209', '0005'], disk: ['1209', '0005'] },
};

/** The identity a simulated recorder has unless told otherwise. */
export const DEFAULT_SIM_IDENTITY: SimIdentity = {
  serial: 'A123456',
  userNo: '000123',
  userName: '张三',
  unitNo: '441900000001',
  unitName: '城关镇综合行政执法队',
};
