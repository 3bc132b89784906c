/** How retries after failures are spaced out. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  readonly initialMs: number;
  /** Ceiling of the computed delay. */
  readonly maxMs: number;
  /** Growth factor per consecutive failure. */
  readonly multiplier: number;
  /** A server's Retry-After is honoured up to this long (so a broken header cannot stall us for days). */
  readonly retryAfterCapMs: number;
}

/** Defaults: 1 s, doubling, at most 5 minutes between attempts; Retry-After honoured up to 1 hour. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1000,
  maxMs: 300_000,
  multiplier: 2,
  retryAfterCapMs: 3_600_000,
};

/**
 * Exponential backoff with "equal jitter": the n-th consecutive failure waits between half and all
 * of min(maxMs, initialMs × multiplier^n), so docks that lost their link together do not retry in
 * step, yet never retry sooner than half the nominal delay. A server's Retry-After raises the delay
 * to at least what it asked for. `reset()` after a success.
 */
export class Backoff {
  private failures = 0;
  private readonly policy: BackoffPolicy;

  constructor(
    policy: Partial<BackoffPolicy> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.policy = { ...DEFAULT_BACKOFF, ...policy };
    const p = this.policy;
    if (!(p.initialMs > 0 && p.maxMs >= p.initialMs && p.multiplier >= 1 && p.retryAfterCapMs >= 0)) {
      throw new RangeError('backoff needs initialMs > 0, maxMs ≥ initialMs, multiplier ≥ 1');
    }
  }

  /** Consecutive failures so far. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next attempt after one more failure; `retryAfterMs` from the server, if any. */
  next(retryAfterMs: number | null = null): number {
    const p = this.policy;
    const nominal = Math.min(p.maxMs, p.initialMs * p.multiplier ** Math.min(this.failures, 64));
    this.failures++;
    const jittered = Math.round(nominal / 2 + this.random() * (nominal / 2));
    if (retryAfterMs === null || !(retryAfterMs > 0)) return jittered;
    return Math.max(jittered, Math.min(Math.ceil(retryAfterMs), p.retryAfterCapMs));
  }

  /** Forget the failures: the next failure starts again at initialMs. */
  reset(): void {
    this.failures = 0;
  }
}

/**
 * Milliseconds to wait from an HTTP `Retry-After` value: either delay-seconds ("120") or an
 * HTTP-date. Null when absent or unparseable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: Date): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
