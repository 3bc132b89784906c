import { libcOrNull } from './libc.ts';

/** mallopt's parameter for the size from which malloc maps a block of its own (glibc M_MMAP_THRESHOLD). */
const M_MMAP_THRESHOLD = -3;

/** Blocks from this size on get their own mapping, given back to the kernel when freed. */
export const MMAP_THRESHOLD_BYTES = 128 << 10;

/**
 * Chunk size of the file streams the main thread reads (off-site copies and their read-back,
 * export hashes): under the mmap threshold, so their buffers come from malloc's arenas and are
 * reused. A 1 MiB chunk is mapped afresh and faults on each of its 256 pages, then is unmapped
 * when collected; on the dock's VM page faults were the largest part of the copier's CPU, and
 * 64 KiB chunks halved its event-loop p99 on a 20 × 100 MiB set (README, off-site).
 */
export const STREAM_CHUNK_BYTES = 64 << 10;

/**
 * Fix glibc's mmap threshold at 128 KiB for the whole process (its threads included), before
 * the ingest workers start. By default glibc raises the threshold to the size of the largest
 * block freed so far (up to 32 MiB), after which the workers' I/O buffers (128 KiB–4 MiB) come
 * from per-thread arenas that keep their pages after the buffers are freed: with 29 recorders
 * that was ~40 MB of the dock's peak RSS (issue 17). Fixed, a freed buffer leaves RSS at once;
 * the buffer pools keep the ones worth reusing. Says why when the setting was not taken (libc
 * not reachable through koffi, or not glibc); nothing else depends on it.
 */
export function fixMallocMmapThreshold():
  | { readonly fixed: true }
  | { readonly fixed: false; readonly why: string } {
  const libc = libcOrNull();
  if (!libc) return { fixed: false, why: 'libc is not reachable through koffi' };
  try {
    const mallopt = libc.func('int mallopt(int param, int value)');
    const ok = (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) as number) === 1;
    return ok ? { fixed: true } : { fixed: false, why: 'mallopt refused M_MMAP_THRESHOLD' };
  } catch (err) {
    // not glibc: musl has no mallopt (and gives freed memory back by itself)
    return { fixed: false, why: `no mallopt in this C library: ${(err as Error).message}` };
  }
}
