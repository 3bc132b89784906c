import { createRequire } from 'node:module';

/**
 * Time passing on a simulated USB link. A real recorder's read is a blocking system call that
 * holds one of libuv's pool threads until the link has delivered the bytes, so many slow
 * recorders at once need many pool threads; the simulator reproduces that by sleeping on a pool
 * thread (libc `usleep` called asynchronously through koffi) instead of on a timer, which would
 * hide the limit. Without koffi it falls back to a timer.
 */
type AsyncUsleep = { async(usec: number, done: (err: unknown, res: number) => void): void };

let usleep: AsyncUsleep | null | undefined;

function loadUsleep(): AsyncUsleep | null {
  if (usleep !== undefined) return usleep;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    usleep = koffi.load('libc.so.6').func('int usleep(uint32_t usec)') as unknown as AsyncUsleep;
  } catch {
    usleep = null;
  }
  return usleep;
}

/** Hold one libuv pool thread for `ms` milliseconds (a timer, where koffi is missing). */
export function sleepOnPoolThread(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  const fn = loadUsleep();
  if (!fn) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    fn.async(Math.round(ms * 1000), (err) => (err ? reject(err) : resolve()));
  });
}

/** A USB link's speed: bytes per second, varied per read by ± `jitter` (a fraction). */
export interface SimLink {
  readonly bytesPerSecond: number;
  readonly jitter: number;
}

/** How long a read of `bytes` takes on `link`, with this read's jitter, in ms. */
export function linkReadMs(link: SimLink, bytes: number, random: () => number = Math.random): number {
  const factor = 1 + link.jitter * (2 * random() - 1);
  return (bytes / link.bytesPerSecond) * 1000 * factor;
}
