import { openLibc } from '../os/libc.ts';

/**
 * Page-cache control for the ingest core, through libc via koffi: dropping a file's cached pages
 * (so verify reads what is on disk), starting write-back early (so the final fsync does not stall
 * on gigabytes of dirty pages), and memory aligned for O_DIRECT. Every function degrades to a
 * no-op result where libc or koffi is unavailable; callers record which path was taken.
 */

const POSIX_FADV_DONTNEED = 4;
const SYNC_FILE_RANGE_WRITE = 2;
/** Alignment that satisfies O_DIRECT on every block device the dock meets (4 KiB sectors). */
export const DIRECT_IO_ALIGN = 4096;

interface PageCacheCalls {
  posixFadvise(fd: number, offset: number, length: number, advice: number): number;
  syncFileRange(fd: number, offset: number, length: number, flags: number): number;
  address(buffer: Uint8Array): bigint;
}

let calls: PageCacheCalls | null | undefined;

function loadLibc(): PageCacheCalls | null {
  if (calls !== undefined) return calls;
  try {
    const libc = openLibc();
    // koffi's types are generic over function signatures; the two prototypes below are exact.
    const fadvise = libc.func('int posix_fadvise(int fd, int64_t offset, int64_t len, int advice)');
    const sfr = libc.func('int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)');
    calls = {
      posixFadvise: (fd, offset, length, advice) => fadvise(fd, offset, length, advice) as number,
      syncFileRange: (fd, offset, length, flags) => sfr(fd, offset, length, flags) as number,
      address: (buffer) => libc.address(buffer),
    };
  } catch {
    calls = null;
  }
  return calls;
}

/** Ask the kernel to drop the clean cached pages of `fd`. True when the advice was taken. */
export function dropCachedPages(fd: number): boolean {
  const c = loadLibc();
  return c !== null && c.posixFadvise(fd, 0, 0, POSIX_FADV_DONTNEED) === 0;
}

/** Load the C library's calls now rather than on first use (a worker thread's start). */
export function preloadLibc(): void {
  loadLibc();
}

/** Start write-back of a byte range without waiting for it. True when the call succeeded. */
export function startWriteback(fd: number, offset: number, length: number): boolean {
  const c = loadLibc();
  return c !== null && c.syncFileRange(fd, offset, length, SYNC_FILE_RANGE_WRITE) === 0;
}

/** True when `buffer` starts at a DIRECT_IO_ALIGN boundary (false when that cannot be known). */
export function isAligned(buffer: Uint8Array): boolean {
  const c = loadLibc();
  return c !== null && c.address(buffer) % BigInt(DIRECT_IO_ALIGN) === 0n;
}

/**
 * A buffer of `size` bytes whose start is aligned to DIRECT_IO_ALIGN, or null when the address of
 * a buffer cannot be learnt (then O_DIRECT cannot be used safely).
 */
export function alignedBuffer(size: number): Buffer | null {
  const c = loadLibc();
  if (c === null) return null;
  const raw = Buffer.allocUnsafeSlow(size + DIRECT_IO_ALIGN);
  const misalign = Number(c.address(raw) % BigInt(DIRECT_IO_ALIGN));
  const skip = misalign === 0 ? 0 : DIRECT_IO_ALIGN - misalign;
  return raw.subarray(skip, skip + size);
}
