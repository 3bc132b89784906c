import type { Logger } from 'pino';

/** The result of one internal health check. */
export type CheckOutcome = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/**
 * One internal progress check behind the watchdog ping. Only facts about this process belong
 * here (event loop, ledger, stuck ingests); a central store that is down is a readiness fact,
 * never a reason to be restarted.
 */
export interface WatchdogCheck {
  readonly name: string;
  check(): CheckOutcome | Promise<CheckOutcome>;
}

/** What the watchdog pings. */
export interface WatchdogPinger {
  watchdog(): boolean;
  status(text: string): boolean;
}

/** How the watchdog runs. */
export interface WatchdogOptions {
  readonly pinger: WatchdogPinger;
  /** Interval between checks and pings (SdNotifier.watchdogIntervalMs). */
  readonly intervalMs: number;
  readonly checks: readonly WatchdogCheck[];
  readonly log: Logger;
  /** A check that has not answered within this time fails. Default: half the interval. */
  readonly checkTimeoutMs?: number;
}

/** The outcome of one round. */
export interface WatchdogRound {
  readonly pinged: boolean;
  readonly failed: readonly { readonly name: string; readonly detail: string }[];
}

function withTimeout(check: WatchdogCheck, ms: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
    Promise.resolve()
      .then(() => check.check())
      .then(
        (outcome) => resolve(outcome),
        (err: unknown) => resolve({ ok: false, detail: (err as Error).message ?? String(err) }),
      )
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Pings systemd's watchdog only while every internal check passes. When one fails, the ping is
 * withheld (systemd then restarts the service after WatchdogSec) and the failure is logged and
 * shown as the unit's status. A blocked event loop stops the rounds altogether, with the same
 * effect.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastFailed = '';

  constructor(private readonly opts: WatchdogOptions) {}

  /** Run one round now: all checks, then the ping if they passed. */
  async round(): Promise<WatchdogRound> {
    const timeout = this.opts.checkTimeoutMs ?? Math.max(1, Math.floor(this.opts.intervalMs / 2));
    const outcomes = await Promise.all(
      this.opts.checks.map(async (c) => ({ name: c.name, outcome: await withTimeout(c, timeout) })),
    );
    const failed = outcomes.flatMap(({ name, outcome }) =>
      outcome.ok ? [] : [{ name, detail: outcome.detail }],
    );
    if (failed.length === 0) {
      if (this.lastFailed !== '') this.opts.log.info('watchdog checks pass again');
      this.lastFailed = '';
      return { pinged: this.opts.pinger.watchdog(), failed };
    }
    const summary = failed.map((f) => `${f.name}: ${f.detail}`).join('; ');
    if (summary !== this.lastFailed) this.opts.log.error({ failed }, 'watchdog check failed; ping withheld');
    this.lastFailed = summary;
    this.opts.pinger.status(`unhealthy: ${summary}`);
    return { pinged: false, failed };
  }

  /** Ping now (if healthy) and then every interval. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return; // a slow round is still going: let it finish
      this.running = true;
      this.round()
        .catch((err: unknown) => this.opts.log.error({ err }, 'watchdog round failed'))
        .finally(() => {
          this.running = false;
        });
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stop pinging (on shutdown, after STOPPING=1). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
