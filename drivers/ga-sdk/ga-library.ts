import koffi from 'koffi';
import { SdkLoadError, SdkTimeoutError } from '../errors.ts';
import { ZFY_FIELDS, type ZfyField, type ZfyInfoRaw } from './zfy-info.ts';

/** One call's outcome: the function's 1/0 result, the vendor code from `*iRet`, the outputs. */
export interface GaCall<T> {
  readonly ok: boolean;
  readonly iRet: number;
  readonly value: T;
}

/**
 * The GA 8-function set as a port, byte-level and promise-based. Real: a vendor shared library
 * loaded through koffi (`loadGaLibrary`); twin: drivers/sim/ga-sim.c, loaded the same way.
 * `pwd` is the device password, NUL-terminated; it is passed through and never logged.
 */
export interface GaSdk {
  readonly libraryPath: string;
  initDevice(idCode: Uint8Array): Promise<GaCall<null>>;
  getIdCode(): Promise<GaCall<Uint8Array>>;
  getZfyInfo(pwd: Uint8Array): Promise<GaCall<ZfyInfoRaw>>;
  writeZfyInfo(info: ZfyInfoRaw, pwd: Uint8Array): Promise<GaCall<null>>;
  syncDevTime(pwd: Uint8Array): Promise<GaCall<null>>;
  setMsdc(pwd: Uint8Array): Promise<GaCall<null>>;
  readResolution(pwd: Uint8Array): Promise<GaCall<{ readonly width: number; readonly height: number }>>;
  readBattery(pwd: Uint8Array): Promise<GaCall<number>>;
  /** Unload the library (after the last call returned). */
  close(): void;
}

/** The C prototypes, as the public-security standard names them. Text buffers are byte arrays. */
const PROTOTYPES = {
  Init_Device: 'int Init_Device(uint8_t *IDCode, _Out_ int *iRet)',
  GetIDCode: 'int GetIDCode(uint8_t *IDCode, _Out_ int *iRet)',
  GetZFYInfo: 'int GetZFYInfo(_Out_ ZFY_INFO *info, uint8_t *sPwd, _Out_ int *iRet)',
  WriteZFYInfo: 'int WriteZFYInfo(ZFY_INFO *info, uint8_t *sPwd, _Out_ int *iRet)',
  SyncDevTime: 'int SyncDevTime(uint8_t *sPwd, _Out_ int *iRet)',
  SetMSDC: 'int SetMSDC(uint8_t *sPwd, _Out_ int *iRet)',
  ReadDeviceResolution:
    'int ReadDeviceResolution(_Out_ int *w, _Out_ int *h, uint8_t *sPwd, _Out_ int *iRet)',
  ReadDeviceBatteryDumpEnergy:
    'int ReadDeviceBatteryDumpEnergy(_Out_ int *battery, uint8_t *sPwd, _Out_ int *iRet)',
} as const;

type FnName = keyof typeof PROTOTYPES;

/** Size of the buffers handed to the ID-code calls; generous, as vendors do not document it. */
export const ID_CODE_BUFFER = 64;

let zfyType: ReturnType<typeof koffi.pack> | undefined;

/** The packed ZFY_INFO type, declared once per process (koffi type names are global). */
function zfyInfoType(): ReturnType<typeof koffi.pack> {
  if (!zfyType) {
    const members = Object.fromEntries(
      ZFY_FIELDS.map(([name, size]) => [name, koffi.array('uint8_t', size, 'Typed')]),
    );
    zfyType = koffi.pack('ZFY_INFO', members);
  }
  return zfyType;
}

type KoffiFn = ReturnType<ReturnType<typeof koffi.load>['func']>;

/**
 * Load a GA SDK shared library through koffi. Every call runs on koffi's worker thread (a vendor
 * call can block for seconds), one at a time (vendor libraries are rarely thread-safe), and is
 * abandoned with SdkTimeoutError after `callTimeoutMs`; the next call waits until it returns.
 */
export function loadGaLibrary(libraryPath: string, options: { readonly callTimeoutMs?: number } = {}): GaSdk {
  const { lib, fns } = bindLibrary(libraryPath);
  const caller = new SerialCaller(options.callTimeoutMs ?? 15_000);
  let unloading = false;
  const call = (name: FnName, args: unknown[]) => caller.call(name, fns[name], args);
  const result = <T>(r: number, iRet: number[], value: T): GaCall<T> => ({
    ok: r === 1,
    iRet: iRet[0] ?? 0,
    value,
  });
  return {
    libraryPath,
    async initDevice(idCode) {
      const buf = Buffer.alloc(ID_CODE_BUFFER);
      buf.set(idCode.subarray(0, ID_CODE_BUFFER - 1));
      const iRet = [0];
      return result(await call('Init_Device', [buf, iRet]), iRet, null);
    },
    async getIdCode() {
      const buf = Buffer.alloc(ID_CODE_BUFFER);
      const iRet = [0];
      return result(await call('GetIDCode', [buf, iRet]), iRet, new Uint8Array(buf));
    },
    async getZfyInfo(pwd) {
      const out: Partial<Record<ZfyField, Uint8Array>> = {};
      const iRet = [0];
      return result(await call('GetZFYInfo', [out, cstr(pwd), iRet]), iRet, completeInfo(out));
    },
    async writeZfyInfo(info, pwd) {
      const iRet = [0];
      return result(await call('WriteZFYInfo', [{ ...info }, cstr(pwd), iRet]), iRet, null);
    },
    syncDevTime: (pwd) => simple(call, 'SyncDevTime', pwd),
    setMsdc: (pwd) => simple(call, 'SetMSDC', pwd),
    async readResolution(pwd) {
      const [w, h, iRet] = [[0], [0], [0]];
      const r = await call('ReadDeviceResolution', [w, h, cstr(pwd), iRet]);
      return result(r, iRet, { width: w[0] ?? 0, height: h[0] ?? 0 });
    },
    async readBattery(pwd) {
      const [b, iRet] = [[0], [0]];
      return result(await call('ReadDeviceBatteryDumpEnergy', [b, cstr(pwd), iRet]), iRet, b[0] ?? 0);
    },
    close() {
      // Unloading twice crashes the process (koffi frees the handle), so only the first close unloads.
      if (unloading) return;
      unloading = true;
      void caller.idle().then(() => lib.unload());
    },
  };
}

/** Load the library and declare the eight functions; SdkLoadError names what is missing. */
function bindLibrary(libraryPath: string): {
  lib: ReturnType<typeof koffi.load>;
  fns: Record<FnName, KoffiFn>;
} {
  zfyInfoType();
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(libraryPath);
  } catch (err) {
    throw new SdkLoadError(libraryPath, err instanceof Error ? err.message : 'load failed', { cause: err });
  }
  const fns = {} as Record<FnName, KoffiFn>;
  for (const [name, proto] of Object.entries(PROTOTYPES) as [FnName, string][]) {
    try {
      fns[name] = lib.func(proto);
    } catch (err) {
      lib.unload();
      throw new SdkLoadError(libraryPath, `it has no usable ${name}`, { cause: err });
    }
  }
  return { lib, fns };
}

async function simple(
  call: (n: FnName, a: unknown[]) => Promise<number>,
  name: FnName,
  pwd: Uint8Array,
): Promise<GaCall<null>> {
  const iRet = [0];
  const r = await call(name, [cstr(pwd), iRet]);
  return { ok: r === 1, iRet: iRet[0] ?? 0, value: null };
}

/** A NUL-terminated copy of `bytes` (the password buffer C reads). */
function cstr(bytes: Uint8Array): Buffer {
  const buf = Buffer.alloc(bytes.length + 1);
  buf.set(bytes);
  return buf;
}

function completeInfo(out: Partial<Record<ZfyField, Uint8Array>>): ZfyInfoRaw {
  const entries = ZFY_FIELDS.map(([name, size]) => [
    name,
    out[name] ? new Uint8Array(out[name]) : new Uint8Array(size),
  ]);
  return Object.fromEntries(entries) as ZfyInfoRaw;
}

/**
 * Runs vendor calls one at a time on koffi's worker, each with a timeout counted from when it
 * starts. While a call that timed out has still not returned, new calls are refused at once:
 * the library is wedged, and queueing behind it would only hide that.
 */
class SerialCaller {
  private tail: Promise<unknown> = Promise.resolve();
  private overdue: string | null = null;

  constructor(private readonly timeoutMs: number) {}

  call(name: string, fn: KoffiFn, args: unknown[]): Promise<number> {
    if (this.overdue !== null) return Promise.reject(new SdkTimeoutError(this.overdue, this.timeoutMs));
    const run = this.tail.then(() => this.runOne(name, fn, args));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private runOne(name: string, fn: KoffiFn, args: unknown[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.overdue = name;
        reject(new SdkTimeoutError(name, this.timeoutMs));
      }, this.timeoutMs);
      fn.async(...args, (err: unknown, result: number) => {
        clearTimeout(timer);
        if (timedOut) this.overdue = null;
        else if (err) reject(err);
        else resolve(result);
      });
    });
  }

  /** Resolves once no call is running. */
  idle(): Promise<unknown> {
    return this.tail;
  }
}
