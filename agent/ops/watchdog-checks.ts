import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFileDurable } from '../fs/durable-write.ts';
import type { CheckOutcome, WatchdogCheck } from './watchdog.ts';

const OK: CheckOutcome = { ok: true };

/**
 * The event loop answered without long stalls since the last round: a light timer measures how
 * late it fires, and the check fails when the worst lateness exceeds `maxDelayMs`. (A loop
 * blocked for good stops the rounds themselves, with the same effect.)
 */
export function eventLoopCheck(maxDelayMs = 5000, sampleMs = 100): WatchdogCheck & { close(): void } {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - sampleMs);
    last = now;
  }, sampleMs);
  timer.unref();
  return {
    name: 'event-loop',
    check() {
      const seen = worst;
      worst = 0;
      return seen > maxDelayMs
        ? { ok: false, detail: `the event loop stalled for ${Math.round(seen)} ms` }
        : OK;
    },
    close() {
      clearInterval(timer);
    },
  };
}

/**
 * A check from a function that throws when something is wrong; for example the ledger's write
 * probe (`() => ledger.probeWritable()`), which must be cheap and local.
 */
export function probeCheck(name: string, probe: () => void | Promise<void>): WatchdogCheck {
  return {
    name,
    async check() {
      try {
        await probe();
        return OK;
      } catch (err) {
        return { ok: false, detail: (err as Error).message ?? String(err) };
      }
    },
  };
}

/** Something in progress and when it last moved. */
export interface ActivityProgress {
  readonly key: string;
  readonly lastProgressAt: Date;
}

/**
 * No ingest is stuck: fails when an activity has made no progress for `stuckAfterMs`. A
 * recorder whose USB link hangs mid-read leaves its ingest stuck in the kernel; a restart is the
 * way out, and the ingest resumes from its last checkpoint.
 */
export function progressCheck(
  name: string,
  activities: () => Iterable<ActivityProgress>,
  stuckAfterMs: number,
  now: () => Date = () => new Date(),
): WatchdogCheck {
  return {
    name,
    check() {
      const t = now().getTime();
      const stuck = [...activities()].filter((a) => t - a.lastProgressAt.getTime() > stuckAfterMs);
      if (stuck.length === 0) return OK;
      const keys = stuck.map((a) => a.key).join(', ');
      return { ok: false, detail: `no progress for over ${Math.round(stuckAfterMs / 1000)} s on ${keys}` };
    },
  };
}

/**
 * The state folder still takes a durable write (a file system remounted read-only after disk
 * errors, or a full disk, fails it): a few bytes written through the durable-write helper to
 * `<stateDir>/.watchdog` each round.
 */
export function stateWritableCheck(stateDir: string, now: () => Date = () => new Date()): WatchdogCheck {
  const file = path.join(stateDir, '.watchdog');
  return probeCheck('state-writable', () =>
    writeFileDurable(file, `${now().toISOString()}\n`, { mode: 0o600 }),
  );
}
