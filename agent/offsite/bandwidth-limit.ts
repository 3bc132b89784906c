import { Transform, type TransformCallback } from 'node:stream';

/** Waits `ms` (injected in tests). */
export type Delay = (ms: number) => Promise<void>;

const realDelay: Delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A byte-rate cap shared by every stream it throttles (generic cell rate algorithm: each chunk is
 * scheduled after the previous ones at `bytesPerSecond`, with up to `burstMs` of credit). A rate of
 * 0 means no cap. The rate may change while streams run (time windows).
 */
export class BandwidthLimit {
  private tatMs = 0;

  constructor(
    private bytesPerSecond: number,
    private readonly clockMs: () => number = () => performance.now(),
    private readonly delay: Delay = realDelay,
    private readonly burstMs = 250,
  ) {}

  /** The cap in bytes per second (0: none). */
  get rate(): number {
    return this.bytesPerSecond;
  }

  set rate(bytesPerSecond: number) {
    this.bytesPerSecond = Math.max(0, bytesPerSecond);
  }

  /** Wait until `bytes` may be sent under the cap. */
  async take(bytes: number): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    const now = this.clockMs();
    this.tatMs = Math.max(this.tatMs, now) + (bytes * 1000) / this.bytesPerSecond;
    const wait = this.tatMs - now - this.burstMs;
    if (wait > 0) await this.delay(wait);
  }

  /** A pass-through stream that holds each chunk until the cap allows it, counting it to `onChunk`. */
  throttle(onChunk?: (bytes: number) => void): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        this.take(chunk.length).then(
          () => {
            onChunk?.(chunk.length);
            done(null, chunk);
          },
          (err: Error) => done(err),
        );
      },
    });
  }
}
