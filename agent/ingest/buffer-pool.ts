import { alignedBuffer } from './page-cache.ts';

/** An idle buffer is lent for a request of at least this fraction of its size (no 4 MiB for 128 KiB). */
const MAX_WASTE_FACTOR = 4;

/**
 * Reusable I/O buffers of one worker thread, aligned for O_DIRECT where the address can be
 * learnt. Seal and verify passes borrow their buffers here and give them back, so a worker that
 * runs many copies one after another (or side by side, for many recorders) does not leave
 * megabytes of freed buffers for the garbage collector to find: memory stays flat.
 *
 * A request is served by the smallest idle buffer that is large enough (and not more than four
 * times too large), as a view of its first bytes: the sizes a crowded pool hands out change with
 * the number of recorders, and buffers of a size nobody asks for any more would otherwise pile up
 * as garbage. A worker's heap is small, so V8 collects such garbage late: with 29 recorders it was
 * ~70 MB per worker (issue 17).
 */
export class BufferPool {
  private readonly idle: Buffer[] = [];
  private idleBytes = 0;
  /** The whole buffer behind each view that is lent out. */
  private readonly lent = new Map<Buffer, Buffer>();

  /** @param keepBytes at most this many bytes of returned buffers are kept for reuse. */
  constructor(private readonly keepBytes = 16 << 20) {}

  /** A buffer of exactly `size` bytes (aligned when possible); give it back with `release`. */
  acquire(size: number): Buffer {
    const whole = this.takeIdle(size) ?? alignedBuffer(size) ?? Buffer.allocUnsafeSlow(size);
    const view = whole.length === size ? whole : whole.subarray(0, size);
    this.lent.set(view, whole);
    return view;
  }

  /** Return buffers taken with `acquire`; beyond the keep limit they are left to the collector. */
  release(...buffers: Buffer[]): void {
    for (const b of buffers) {
      const whole = this.lent.get(b) ?? b;
      this.lent.delete(b);
      if (this.idleBytes + whole.length > this.keepBytes) continue;
      this.idle.push(whole);
      this.idleBytes += whole.length;
    }
  }

  /** Bytes of idle buffers kept for reuse. */
  get keptBytes(): number {
    return this.idleBytes;
  }

  private takeIdle(size: number): Buffer | null {
    let best = -1;
    for (let i = 0; i < this.idle.length; i++) {
      const len = (this.idle[i] as Buffer).length;
      if (len < size || len > size * MAX_WASTE_FACTOR) continue;
      if (best < 0 || len < (this.idle[best] as Buffer).length) best = i;
    }
    if (best < 0) return null;
    const [whole] = this.idle.splice(best, 1) as [Buffer];
    this.idleBytes -= whole.length;
    return whole;
  }
}
