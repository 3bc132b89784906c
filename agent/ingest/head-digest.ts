import { createHash } from 'node:crypto';
import type { BufferPool } from './buffer-pool.ts';

/** Bytes of a file's head whose digest a recorder file's identity starts from (issue 12). */
export const HEAD_DIGEST_BYTES = 1 << 20;

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; 0 at the end. */
export type ReadAt = (buffer: Buffer, offset: number, length: number, position: number) => Promise<number>;

/**
 * SHA-256 of the first `length` bytes read through `read` (fewer when the file ends first), in
 * a buffer borrowed from the worker's pool: a dock of many files would otherwise leave a
 * megabyte of garbage per file for the collector, which in a worker with a small heap runs
 * late (issue 17: peak RSS).
 */
export async function headDigest(read: ReadAt, length: number, pool: BufferPool): Promise<string> {
  const head = pool.acquire(Math.max(length, HEAD_DIGEST_BYTES));
  try {
    const want = length;
    let done = 0;
    while (done < want) {
      const n = await read(head, done, want - done, done);
      if (n === 0) break;
      done += n;
    }
    return createHash('sha256').update(head.subarray(0, done)).digest('hex');
  } finally {
    pool.release(head);
  }
}
