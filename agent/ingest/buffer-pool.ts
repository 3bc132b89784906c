import { alignedBuffer } from './page-cache.ts';

/**
 * Reusable I/O buffers of one worker thread, aligned for O_DIRECT where the address can be
 * learnt. Seal and verify passes borrow their buffers here and give them back, so a worker that
 * runs many copies one after another (or side by side, for many recorders) does not leave
 * megabytes of freed buffers for the garbage collector to find: memory stays flat.
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;

  /** @param keepBytes at most this many bytes of returned buffers are kept for reuse. */
  constructor(private readonly keepBytes = 16 << 20) {}

  /** A buffer of exactly `size` bytes (aligned when possible); give it back with `release`. */
  acquire(size: number): Buffer {
    const kept = this.idle.get(size)?.pop();
    if (kept) {
      this.idleBytes -= size;
      return kept;
    }
    return alignedBuffer(size) ?? Buffer.allocUnsafeSlow(size);
  }

  /** Return buffers taken with `acquire`; beyond the keep limit they are left to the collector. */
  release(...buffers: Buffer[]): void {
    for (const b of buffers) {
      if (this.idleBytes + b.length > this.keepBytes) continue;
      const list = this.idle.get(b.length) ?? [];
      list.push(b);
      this.idle.set(b.length, list);
      this.idleBytes += b.length;
    }
  }
}
