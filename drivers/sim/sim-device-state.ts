import iconv from 'iconv-lite';
import koffi from 'koffi';

/** The standard functions, as the sim library counts and fails them. */
export type GaFunctionName =
  | 'Init_Device'
  | 'GetIDCode'
  | 'GetZFYInfo'
  | 'WriteZFYInfo'
  | 'SyncDevTime'
  | 'SetMSDC'
  | 'ReadDeviceResolution'
  | 'ReadDeviceBatteryDumpEnergy';

/** The simulated device's identity, as text (encoded to GBK for the device). */
export interface SimIdentity {
  readonly serial: string;
  readonly userNo: string;
  readonly userName: string;
  readonly unitNo: string;
  readonly unitName: string;
}

/** Identity fields held as raw bytes by the library. */
export type SimIdentityField = keyof SimIdentity;

/**
 * The simulated recorder's state, held by the C library (drivers/sim/ga-sim.c) and reached
 * through its Sim_Get/Sim_Set control functions. The serial firmware reads and writes the same
 * state, so the GA and serial faces of one simulated recorder always agree.
 */
export class SimDeviceState {
  private closed = false;
  private readonly lib: ReturnType<typeof koffi.load>;
  private readonly setFn: (key: string, value: string) => number;
  private readonly getFn: (key: string, out: Buffer, len: number) => number;

  constructor(readonly libraryPath: string) {
    this.lib = koffi.load(libraryPath);
    this.setFn = this.lib.func('int Sim_Set(const char *key, const char *value)');
    this.getFn = this.lib.func('int Sim_Get(const char *key, uint8_t *out, int outLen)');
  }

  /** Set one key (see ga-sim.c); throws on an unknown key or a value the library refuses. */
  set(key: string, value: string | number): void {
    if (this.setFn(key, String(value)) !== 1) throw new Error(`the simulated GA library refused ${key}`);
  }

  /** Read one key as text. */
  get(key: string): string {
    const out = Buffer.alloc(256);
    if (this.getFn(key, out, out.length) !== 1) throw new Error(`the simulated GA library has no key ${key}`);
    const nul = out.indexOf(0);
    return out.subarray(0, nul < 0 ? out.length : nul).toString('latin1');
  }

  /** Read a numeric key. */
  num(key: string): number {
    return Number(this.get(key));
  }

  /** Store identity text, GBK-encoded (truncated to the field by the library's size check). */
  setIdentity(identity: Partial<SimIdentity>): void {
    for (const [field, text] of Object.entries(identity) as [SimIdentityField, string][]) {
      this.setFieldBytes(field, iconv.encode(text, 'gbk'));
    }
  }

  /** Store raw bytes in an identity field (for invalid-GBK and padding tests). */
  setFieldBytes(field: SimIdentityField, bytes: Uint8Array): void {
    this.set(field, Buffer.from(bytes).toString('hex'));
  }

  /** The raw bytes of an identity field. */
  fieldBytes(field: SimIdentityField): Buffer {
    return Buffer.from(this.get(field), 'hex');
  }

  /** Make a standard function fail with `iRet` (every call, or just the next one). */
  failCall(fn: GaFunctionName, iRet: number, once = false): void {
    this.set(`${once ? 'failOnce' : 'fail'}.${fn}`, iRet);
  }

  /** Make a standard function block for `ms` before answering. */
  hangCall(fn: GaFunctionName, ms: number): void {
    this.set(`hangMs.${fn}`, ms);
  }

  /** How many times a standard function was called. */
  calls(fn: GaFunctionName): number {
    return this.num(`calls.${fn}`);
  }

  /** Drop the handle (the library stays loaded while a driver holds it). Idempotent: a second unload would crash. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lib.unload();
  }
}
