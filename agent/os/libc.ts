import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');
/** A C function as koffi calls it. */
export type LibcFunction = ReturnType<ReturnType<Koffi['load']>['func']>;

/** The C library through koffi: its functions by prototype, errno, and buffer addresses. */
export interface Libc {
  /** The function of this C prototype, e.g. `int posix_fadvise(int fd, int64_t offset, int64_t len, int advice)`. */
  func(prototype: string): LibcFunction;
  /** errno of the last call on this thread. */
  errno(): number;
  /** The address of a buffer's first byte (for O_DIRECT alignment). */
  address(buffer: Uint8Array): bigint;
}

let loaded: { readonly libc: Libc } | { readonly error: unknown } | undefined;

/**
 * libc.so.6 through koffi, loaded once per thread on first use. koffi is required only then, so a
 * module that may do without libc (page-cache hints, the clock-sync check) still loads where koffi
 * or libc cannot. Throws what the loading threw, every time it is asked.
 */
export function openLibc(): Libc {
  if (!loaded) {
    try {
      const koffi = createRequire(import.meta.url)('koffi') as Koffi;
      const lib = koffi.load('libc.so.6');
      loaded = {
        libc: {
          func: (prototype) => lib.func(prototype),
          errno: () => koffi.errno(),
          address: (buffer) => koffi.address(buffer),
        },
      };
    } catch (error) {
      loaded = { error };
    }
  }
  if ('error' in loaded) throw loaded.error;
  return loaded.libc;
}

/** libc when it can be loaded, else null (callers degrade to a no-op and say which path they took). */
export function libcOrNull(): Libc | null {
  try {
    return openLibc();
  } catch {
    return null;
  }
}
