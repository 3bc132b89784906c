/** How the throttle counts and locks. */
export interface LoginThrottleOptions {
  readonly now?: () => Date;
  /** Failures within `windowMs` that lock a username or an address (default 5). */
  readonly maxFailures?: number;
  /** How long a lock lasts (default 15 minutes). */
  readonly lockMs?: number;
  /** How far back failures count (default: lockMs). */
  readonly windowMs?: number;
  /** Entries kept at most; the oldest are forgotten first (bounds memory under a flood of names). */
  readonly maxEntries?: number;
}

interface Entry {
  /** Times of recent failures (ms), oldest first. */
  failures: number[];
  lockedUntil: number;
  /** Attempts whose password check is still running: they count against the limit already. */
  pending: number;
}

/** A login attempt admitted by `begin`: end it with `failed` or `succeeded`, exactly once. */
export interface LoginAttempt {
  readonly username: string;
  readonly remote: string;
  /** Seconds to wait when the attempt was refused before any check; 0 when it may go ahead. */
  readonly retryAfterSeconds: number;
}

/**
 * Slows password guessing at the login form: failures are counted per username and per remote
 * address, in memory. After `maxFailures` failures within the window, that username or address
 * is locked for `lockMs`. A success clears the username's count but not the address's, so one
 * valid account cannot be used to reset an address that is guessing other accounts' passwords.
 *
 * An attempt is counted when it starts (`begin`), before the awaited password check: attempts
 * still being checked count against the limit, so parallel guesses cannot all slip past it.
 */
export class LoginThrottle {
  private readonly now: () => Date;
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: LoginThrottleOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.maxFailures = Math.max(1, opts.maxFailures ?? 5);
    this.lockMs = Math.max(1000, opts.lockMs ?? 15 * 60_000);
    this.windowMs = Math.max(1000, opts.windowMs ?? this.lockMs);
    this.maxEntries = Math.max(100, opts.maxEntries ?? 10_000);
  }

  /** Seconds until this username and address may try again; 0 when they may try now. */
  retryAfterSeconds(username: string, remote: string): number {
    const t = this.now().getTime();
    const until = Math.max(this.lockedUntil(userKey(username), t), this.lockedUntil(remoteKey(remote), t));
    return until > t ? Math.ceil((until - t) / 1000) : 0;
  }

  /**
   * Admit one attempt before its password is checked, counting it at once. Returns the attempt
   * with `retryAfterSeconds` > 0 (and nothing counted) while the username or address is locked,
   * or while the attempts already being checked would reach the limit.
   */
  begin(username: string, remote: string): LoginAttempt {
    const t = this.now().getTime();
    const keys = [userKey(username), remoteKey(remote)];
    const locked = this.retryAfterSeconds(username, remote);
    if (locked > 0) return { username, remote, retryAfterSeconds: locked };
    if (keys.some((k) => this.inFlightFull(k, t))) return { username, remote, retryAfterSeconds: 1 };
    for (const k of keys) this.entry(k, t).pending++;
    return { username, remote, retryAfterSeconds: 0 };
  }

  /** The admitted attempt failed: it becomes a failure of its username and address. */
  failed(attempt: LoginAttempt): void {
    this.settle(attempt);
    this.failure(attempt.username, attempt.remote);
  }

  /** The admitted attempt logged in: forget the username's failures (not the address's). */
  succeeded(attempt: LoginAttempt): void {
    this.settle(attempt);
    this.success(attempt.username, attempt.remote);
  }

  /** Count a failed login of `username` from `remote`. */
  failure(username: string, remote: string): void {
    const t = this.now().getTime();
    this.count(userKey(username), t);
    this.count(remoteKey(remote), t);
  }

  /** A successful login: forget the username's failures (attempts still running stay counted). */
  success(username: string, _remote: string): void {
    const key = userKey(username);
    const e = this.entries.get(key);
    if (e && e.pending > 0) {
      e.failures = [];
      e.lockedUntil = 0;
    } else {
      this.entries.delete(key);
    }
  }

  private settle(attempt: LoginAttempt): void {
    if (attempt.retryAfterSeconds > 0) throw new Error('a refused login attempt has nothing to settle');
    for (const k of [userKey(attempt.username), remoteKey(attempt.remote)]) {
      const e = this.entries.get(k);
      if (e && e.pending > 0) e.pending--;
    }
  }

  // Failures in the window plus attempts still being checked reach the limit: one more must wait.
  private inFlightFull(key: string, t: number): boolean {
    const e = this.entries.get(key);
    if (!e || e.pending === 0) return false;
    return e.failures.filter((f) => f > t - this.windowMs).length + e.pending >= this.maxFailures;
  }

  private entry(key: string, t: number): Entry {
    let e = this.entries.get(key);
    if (!e) {
      this.makeRoom(t);
      e = { failures: [], lockedUntil: 0, pending: 0 };
      this.entries.set(key, e);
    }
    return e;
  }

  private lockedUntil(key: string, t: number): number {
    const e = this.entries.get(key);
    return e && e.lockedUntil > t ? e.lockedUntil : 0;
  }

  private count(key: string, t: number): void {
    const existing = this.entries.get(key);
    if (existing && existing.lockedUntil > t) return; // already locked: the lock is not extended
    const e = existing ?? this.entry(key, t);
    e.failures = e.failures.filter((f) => f > t - this.windowMs);
    e.failures.push(t);
    if (e.failures.length >= this.maxFailures) {
      e.lockedUntil = t + this.lockMs;
      e.failures = [];
    }
  }

  private makeRoom(t: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [key, e] of this.entries) {
      if (e.lockedUntil <= t && e.pending === 0 && e.failures.every((f) => f <= t - this.windowMs))
        this.entries.delete(key);
    }
    // Still full of live entries: forget the oldest unlocked ones, never a lock.
    for (const [key, e] of this.entries) {
      if (this.entries.size < this.maxEntries) break;
      if (e.lockedUntil <= t && e.pending === 0) this.entries.delete(key);
    }
  }

  /** Entries held (for tests and the health page). */
  get size(): number {
    return this.entries.size;
  }
}

// Usernames are matched case-insensitively and cut short, so variants and huge inputs share a bound.
function userKey(username: string): string {
  return `u:${String(username).toLowerCase().slice(0, 64)}`;
}

// An IPv4 client seen through an IPv6 socket ('::ffff:10.0.0.5') is the same address.
function remoteKey(remote: string): string {
  return `r:${String(remote)
    .replace(/^::ffff:(?=\d+\.)/i, '')
    .slice(0, 64)}`;
}
