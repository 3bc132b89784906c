import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountRecord } from '../ledger/access-records.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LoginRefusedError } from './errors.ts';

/** Name of the page's session cookie. */
export const SESSION_COOKIE = 'rd_session';

/** A token as this module makes them: 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What SessionManager needs. */
export interface SessionManagerDeps {
  readonly ledger: Ledger;
  readonly now?: () => Date;
  /** A session unused this long ends (default 30). */
  readonly idleMinutes?: number;
  /** No session lasts longer than this from login (default 12). */
  readonly absoluteHours?: number;
  /**
   * Activity refreshes the stored session at most this often (default 10 s), so a page that
   * polls every second does not make a ledger write per request.
   */
  readonly touchSeconds?: number;
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Login sessions of the page. The cookie carries a random token; the ledger keeps only its
 * SHA-256, so a copy of the database does not log anyone in. A session ends after `idleMinutes`
 * without activity and in any case `absoluteHours` after login; a disabled account's sessions
 * are refused. Each session has its own CSRF token for forms.
 */
export class SessionManager {
  private readonly ledger: Ledger;
  private readonly now: () => Date;
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly touchMs: number;

  constructor(deps: SessionManagerDeps) {
    this.ledger = deps.ledger;
    this.now = deps.now ?? (() => new Date());
    this.idleMs = (deps.idleMinutes ?? 30) * 60_000;
    this.absoluteMs = (deps.absoluteHours ?? 12) * 3_600_000;
    this.touchMs = (deps.touchSeconds ?? 10) * 1000;
    if (!(this.idleMs > 0 && this.absoluteMs > 0 && this.touchMs >= 0))
      throw new RangeError('session lifetimes must be positive');
  }

  /** Start a session for an authenticated account; also forgets expired sessions. */
  start(account: AccountRecord): { token: string; csrfToken: string; expiresAt: Date } {
    const current = this.ledger.accessQueries.account(account.username);
    if (!current || current.disabled) throw new LoginRefusedError();
    const now = this.now();
    this.ledger.webSessions.deleteExpired(now);
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(now.getTime() + Math.min(this.idleMs, this.absoluteMs));
    this.ledger.webSessions.create({
      tokenHash: tokenHash(token),
      username: current.username,
      csrfToken,
      createdAt: now,
      expiresAt,
      lastSeen: now,
    });
    return { token, csrfToken, expiresAt };
  }

  /**
   * The account and CSRF token of a live session, sliding its idle expiry (never past the
   * absolute lifetime), and when it started. Null for a missing, malformed, unknown or expired token and for a
   * disabled or deleted account; such a session is removed.
   */
  resume(token: string | undefined): { account: AccountRecord; csrfToken: string; startedAt: Date } | null {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
    const hash = tokenHash(token);
    const session = this.ledger.webSessions.find(hash);
    if (!session) return null;
    const now = this.now().getTime();
    const hardEnd = session.createdAt.getTime() + this.absoluteMs;
    const account = this.ledger.accessQueries.account(session.username);
    if (session.expiresAt.getTime() <= now || hardEnd <= now || !account || account.disabled) {
      this.ledger.webSessions.delete(hash);
      return null;
    }
    if (now - session.lastSeen.getTime() >= this.touchMs) {
      this.ledger.webSessions.touch(hash, new Date(now), new Date(Math.min(now + this.idleMs, hardEnd)));
    }
    return { account, csrfToken: session.csrfToken, startedAt: session.createdAt };
  }

  /** End a session (log out). Unknown or malformed tokens are ignored. */
  end(token: string | undefined): void {
    if (typeof token === 'string' && TOKEN_PATTERN.test(token))
      this.ledger.webSessions.delete(tokenHash(token));
  }

  /** The Set-Cookie value that carries a session token. */
  setCookie(token: string, opts: { secure: boolean }): string {
    // The token goes into a header: refuse anything that is not one of ours.
    if (!TOKEN_PATTERN.test(token)) throw new TypeError('not a session token');
    return cookie(`${SESSION_COOKIE}=${token}`, opts.secure);
  }

  /** The Set-Cookie value that removes the session cookie. */
  clearCookie(opts: { secure: boolean }): string {
    return cookie(`${SESSION_COOKIE}=; Max-Age=0`, opts.secure);
  }
}

// No Max-Age: the cookie ends with the browser, and the server enforces the session's own limits.
function cookie(value: string, secure: boolean): string {
  return `${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The session token in a Cookie request header, or undefined. */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a submitted CSRF token equals the session's, in constant time; false for non-strings. */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string' || expected === '') return false;
  // Comparing digests keeps the time independent of where, or whether in length, they differ.
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length === given.length;
}
