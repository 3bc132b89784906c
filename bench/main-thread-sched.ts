import { closeSync, openSync, readSync } from 'node:fs';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** Where the main thread's time went while its event loop was late (all in ms). */
export interface MainThreadSplit {
  /** p99 over 1 ms ticks of the time the main thread ran (its own work: JS, GC, syscalls). */
  readonly runP99Ms: number;
  /** p99 over 1 ms ticks of the time it was runnable but waited for a CPU (other threads, other processes). */
  readonly cpuWaitP99Ms: number;
  /** Of the ticks that came ≥ 20 ms late, the share where waiting for a CPU outweighed running. */
  readonly lateTicksMostlyWaiting: number;
  readonly lateTicks: number;
}

const LATE_NS = 20e6;

/**
 * Splits the main thread's event-loop delay into its own work and waiting for a CPU, from Linux's
 * per-thread schedstat (run time and run-queue wait, ns), read at every 1 ms tick. On a machine
 * where the store shares the cores, this says whether a late loop was the copier's doing.
 */
export class MainThreadSched {
  private fd = -1;
  private readonly buf = Buffer.alloc(128);
  private readonly run: RecordableHistogram = createHistogram();
  private readonly wait: RecordableHistogram = createHistogram();
  private timer: NodeJS.Timeout | null = null;
  private late = 0;
  private lateWaiting = 0;

  /** Start sampling; without per-thread schedstat (CONFIG_SCHED_INFO off) the figures stay NaN. */
  start(): void {
    try {
      this.fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    } catch {
      return;
    }
    let [run0, wait0] = this.read();
    let t0 = process.hrtime.bigint();
    this.timer = setInterval(() => {
      const t = process.hrtime.bigint();
      const [run, wait] = this.read();
      const ran = run - run0;
      const waited = wait - wait0;
      this.run.record(Math.max(1, ran));
      this.wait.record(Math.max(1, waited));
      if (Number(t - t0) - 1e6 >= LATE_NS) {
        this.late++;
        if (waited > ran) this.lateWaiting++;
      }
      [run0, wait0, t0] = [run, wait, t];
    }, 1);
  }

  /** Stop sampling and give the figures. */
  stop(): MainThreadSplit {
    if (this.timer) clearInterval(this.timer);
    if (this.fd < 0)
      return {
        runP99Ms: Number.NaN,
        cpuWaitP99Ms: Number.NaN,
        lateTicksMostlyWaiting: Number.NaN,
        lateTicks: 0,
      };
    closeSync(this.fd);
    return {
      runP99Ms: this.run.percentile(99) / 1e6,
      cpuWaitP99Ms: this.wait.percentile(99) / 1e6,
      lateTicksMostlyWaiting: this.late > 0 ? this.lateWaiting / this.late : 0,
      lateTicks: this.late,
    };
  }

  /** Run time and run-queue wait so far, ns. */
  private read(): [number, number] {
    const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
    const [run, wait] = this.buf.toString('latin1', 0, n).split(' ');
    return [Number(run), Number(wait)];
  }
}
