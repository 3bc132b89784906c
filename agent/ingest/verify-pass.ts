import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { failpoint } from '../ops/failpoints.ts';
import { BufferPool } from './buffer-pool.ts';
import { DIRECT_IO_ALIGN, dropCachedPages, isAligned } from './page-cache.ts';

/** How a verify read avoided the page cache. `buffered` means it could not: the result is weaker. */
export type VerifyMethod = 'o-direct' | 'fadvise-dontneed' | 'buffered';

/** The digest of a file as read back from its storage. */
export interface VerifyOutcome {
  readonly sha256: string;
  readonly size: number;
  readonly method: VerifyMethod;
}

/**
 * Read `file` back and hash it, bypassing the page cache: O_DIRECT into aligned buffers where the
 * file system allows it; otherwise drop the file's cached pages and read buffered.
 */
export async function runVerifyPass(
  file: string,
  bufferBytes: number,
  onProgress: (bytesDone: number) => void = () => {},
  pool: BufferPool = new BufferPool(0),
): Promise<VerifyOutcome> {
  const length = Math.max(DIRECT_IO_ALIGN, bufferBytes - (bufferBytes % DIRECT_IO_ALIGN));
  const buffers: [Buffer, Buffer] = [pool.acquire(length), pool.acquire(length)];
  try {
    const direct = await tryDirect(file, buffers, onProgress);
    if (direct) return direct;
    const handle = await fsp.open(file, 'r');
    try {
      const method: VerifyMethod = dropCachedPages(handle.fd) ? 'fadvise-dontneed' : 'buffered';
      const { sha256, size } = await hashHandle(handle, buffers, false, onProgress);
      return { sha256, size, method };
    } finally {
      await handle.close();
    }
  } finally {
    pool.release(...buffers);
  }
}

async function tryDirect(
  file: string,
  [a, b]: [Buffer, Buffer],
  onProgress: (bytesDone: number) => void,
): Promise<VerifyOutcome | null> {
  if (!isAligned(a) || !isAligned(b)) return null;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, constants.O_RDONLY | constants.O_DIRECT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return null; // e.g. tmpfs refuses O_DIRECT
    throw err;
  }
  try {
    const { sha256, size } = await hashHandle(handle, [a, b], true, onProgress);
    return { sha256, size, method: 'o-direct' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return null; // alignment refused
    throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Hash a whole file with two buffers: the next read runs while the current block is hashed.
 * With O_DIRECT a short read is the end of the file (a further read would be misaligned).
 */
async function hashHandle(
  handle: fsp.FileHandle,
  buffers: [Buffer, Buffer],
  direct: boolean,
  onProgress: (bytesDone: number) => void,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const length = buffers[0].length;
  let pos = 0;
  let lastReport = Date.now();
  let n = (await handle.read(buffers[0], 0, length, 0)).bytesRead;
  for (let i = 0; n > 0; i++) {
    const current = buffers[i % 2] as Buffer;
    const atEnd = direct && n < length;
    const next = atEnd ? null : handle.read(buffers[(i + 1) % 2] as Buffer, 0, length, pos + n);
    next?.catch(() => {});
    hash.update(current.subarray(0, n));
    pos += n;
    n = next ? (await next).bytesRead : 0;
    failpoint('ingest.verify.block');
    if (Date.now() - lastReport >= 200) {
      lastReport = Date.now();
      onProgress(pos);
    }
  }
  return { sha256: hash.digest('hex'), size: pos };
}
