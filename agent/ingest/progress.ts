/** One progress report of an ingest, as the CLI and the page show it. */
export interface IngestProgress {
  readonly resumeKey: string;
  /** Whose file it is (the recorder's serial), as the request said. */
  readonly owner: string;
  readonly sourcePath: string;
  readonly phase: 'copy' | 'verify';
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Smoothed rate over the last few seconds, bytes per second. */
  readonly bytesPerSecond: number;
  /** Seconds to the end of this phase at the current rate; null until a rate is known. */
  readonly etaSeconds: number | null;
}

/**
 * Turns (time, bytes done) samples into a smoothed rate and an ETA. Exponential smoothing with a
 * time constant, so a burst from the page cache does not swing the ETA wildly.
 */
export class ProgressMeter {
  private lastMs: number | null = null;
  private lastBytes = 0;
  private rate = 0;

  constructor(private readonly timeConstantMs = 3000) {}

  /** Feed a sample; returns the smoothed rate (bytes/s) and the ETA in seconds (null if unknown). */
  sample(
    nowMs: number,
    bytesDone: number,
    bytesTotal: number,
  ): { bytesPerSecond: number; etaSeconds: number | null } {
    if (this.lastMs !== null && nowMs > this.lastMs) {
      const dt = nowMs - this.lastMs;
      const instant = ((bytesDone - this.lastBytes) * 1000) / dt;
      const alpha = 1 - Math.exp(-dt / this.timeConstantMs);
      this.rate = this.rate === 0 ? instant : this.rate + alpha * (instant - this.rate);
    }
    this.lastMs = nowMs;
    this.lastBytes = bytesDone;
    const remaining = Math.max(0, bytesTotal - bytesDone);
    const etaSeconds = this.rate > 0 ? remaining / this.rate : remaining === 0 ? 0 : null;
    return { bytesPerSecond: this.rate, etaSeconds };
  }
}
