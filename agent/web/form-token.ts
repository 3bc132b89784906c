import { randomBytes } from 'node:crypto';
import { parseCookies } from './request-input.ts';
import type { WebContext } from './web-context.ts';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The CSRF token of a form that has no session yet (the login, the first-run setup): a random
 * value in a SameSite=Strict cookie for that form's path, which the form must repeat
 * (double submit). An existing well-formed cookie is kept, so a form shown again still matches.
 */
export function formToken(ctx: WebContext, cookie: string, path: string): string {
  const existing = parseCookies(ctx.req.headers.cookie).get(cookie);
  if (existing && TOKEN_PATTERN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  ctx.res.appendHeader(
    'set-cookie',
    `${cookie}=${token}; Path=${path}; HttpOnly; SameSite=Strict; Secure; Max-Age=3600`,
  );
  return token;
}
