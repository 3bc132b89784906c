import { openLibc } from '../os/libc.ts';

/** adjtimex(2)'s answer when the kernel clock is not synchronised (STA_UNSYNC set). */
const TIME_ERROR = 5;
/** sizeof(struct timex) is 208 on 64-bit Linux; a larger zeroed buffer is safe. */
const TIMEX_BYTES = 256;

type AdjtimexFn = (buf: Buffer) => number;
let adjtimex: AdjtimexFn | null | undefined;

function load(): AdjtimexFn | null {
  if (adjtimex !== undefined) return adjtimex;
  try {
    const fn = openLibc().func('int adjtimex(_Inout_ uint8_t *buf)');
    adjtimex = (buf) => fn(buf) as number;
  } catch {
    adjtimex = null;
  }
  return adjtimex;
}

/**
 * Whether the kernel clock is synchronised by NTP (timesyncd, chrony, ntpd): the same fact
 * `timedatectl`'s NTPSynchronized shows, read with a read-only adjtimex(2) (modes = 0), which
 * needs no privilege and no D-Bus. Null when it cannot be read.
 */
export async function kernelClockSynchronised(): Promise<boolean | null> {
  const fn = load();
  if (!fn) return null;
  const state = fn(Buffer.alloc(TIMEX_BYTES));
  if (state < 0) return null;
  return state !== TIME_ERROR;
}
