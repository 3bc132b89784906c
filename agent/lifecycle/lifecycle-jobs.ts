import type { LifecycleDeps } from './lifecycle-deps.ts';
import { syncLocks } from './lock-sync.ts';
import { PurgeService } from './purge-service.ts';
import { reviewRetention } from './retention-review.ts';
import { scrub } from './scrub.ts';
import { freeSpace } from './space-keeper.ts';

/** How often each job runs. */
export interface JobIntervals {
  readonly spaceMs: number;
  readonly settleMs: number;
  readonly dailyMs: number;
}

/** Space every 10 minutes, purges and locks hourly, the retention review and the scrub daily. */
export const DEFAULT_INTERVALS: JobIntervals = { spaceMs: 600_000, settleMs: 3_600_000, dailyMs: 86_400_000 };

/**
 * The footage lifecycle's timers in dockd. A job that fails is logged and runs again at its next
 * turn; none ends the process; a job still running is not started twice.
 */
export class LifecycleJobs {
  /** Purge requests, approvals and undo from the page and dockctl go through this. */
  readonly purges: PurgeService;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly intervals: JobIntervals = DEFAULT_INTERVALS,
  ) {
    this.purges = new PurgeService(deps);
  }

  /** Run every job once now, then on its interval. */
  start(): void {
    const every = (ms: number, name: string, job: () => Promise<unknown>) => {
      const timer = setInterval(() => void this.run(name, job), ms);
      timer.unref();
      this.timers.push(timer);
      void this.run(name, job);
    };
    every(this.intervals.spaceMs, 'space', () => freeSpace(this.deps));
    every(this.intervals.settleMs, 'settle', () => this.settle());
    every(this.intervals.dailyMs, 'daily', () => this.daily());
  }

  /** Purges and locks now (after a hold is placed or lifted, a purge confirmed). */
  settle(): Promise<void> {
    return this.run('settle-now', async () => {
      await this.purges.settle();
      await syncLocks(this.deps);
    });
  }

  /** The daily review, lock sync and scrub. */
  async daily(): Promise<void> {
    reviewRetention(this.deps);
    await syncLocks(this.deps);
    const report = await scrub(this.deps, this.stopping.signal);
    this.deps.logger.info({ ...report }, 'lifecycle scrub done');
  }

  /** Stop the timers and wait for jobs in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await Promise.allSettled([...this.running.values()]);
  }

  private run(name: string, job: () => Promise<unknown>): Promise<void> {
    const busy = this.running.get(name);
    if (busy) return busy;
    const p = job()
      .then(() => undefined)
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, job: name }, 'lifecycle job failed; it runs again later'),
      )
      .finally(() => this.running.delete(name));
    this.running.set(name, p);
    return p;
  }
}
