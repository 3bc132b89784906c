import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { CONSOLE_ACTOR } from '../../access/accounts.ts';
import { csrfMatches } from '../../access/web-sessions.ts';
import { isDockError } from '../../errors.ts';
import { errorText } from '../../i18n/error-words.ts';
import { formToken } from '../form-token.ts';
import { html } from '../html.ts';
import { layoutPage } from '../layout.ts';
import { field, parseCookies } from '../request-input.ts';
import { redirect, sendHtml } from '../responses.ts';
import type { Route } from '../router.ts';
import type { WebContext } from '../web-context.ts';
import { ForbiddenError, NotFoundError } from '../web-errors.ts';

/**
 * The first run (issue 16): while the ledger holds no account, dockd logs a one-time link to
 * `/setup` with a random token. The page there makes the first administrator, only for a browser
 * on the dock itself (loopback) that has the token; once any account exists (made here or with
 * `dockctl user add`) the link is dead.
 */
export class FirstRun {
  private token: string | null;

  constructor(hasAccounts: boolean) {
    this.token = hasAccounts ? null : randomBytes(24).toString('base64url');
  }

  /** The link's token while no account exists, else null. */
  get pending(): string | null {
    return this.token;
  }

  /** Whether `given` is the live token (constant time). */
  matches(given: unknown): boolean {
    return this.token !== null && csrfMatches(this.token, given);
  }

  /** The first account exists: the link is dead for good. */
  done(): void {
    this.token = null;
  }
}

const SETUP_CSRF_COOKIE = 'rd_setup_csrf';

/** Only a browser on the dock itself: 127.0.0.0/8 or ::1 (also IPv4 seen through IPv6). */
export function isLoopback(address: string | undefined): boolean {
  const a = (address ?? '').replace(/^::ffff:/i, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

function allowed(ctx: WebContext, token: unknown): void {
  const firstRun = ctx.rt.firstRun;
  if (ctx.rt.accounts.list().length > 0) {
    firstRun.done();
    throw new NotFoundError(ctx.t('setup.done'));
  }
  if (!isLoopback(ctx.req.socket.remoteAddress)) throw new ForbiddenError(ctx.t('setup.loopbackOnly'));
  if (!firstRun.matches(token)) throw new ForbiddenError(ctx.t('setup.badLink'));
}

function showSetup(ctx: WebContext, status: number, error: string | null): void {
  const token = ctx.query.get('token') ?? ctx.form.get('token') ?? '';
  const cookie = formToken(ctx, SETUP_CSRF_COOKIE, '/setup');
  const t = ctx.t;
  const body = html`${error ? html`<p class="flash error" role="alert" id="setup-error">${error}</p>` : ''}
<p class="hint">${t('setup.hint')}</p>
<form method="post" action="/setup" class="login-form" id="setup-form">
<input type="hidden" name="_csrf" value="${cookie}">
<input type="hidden" name="token" value="${token}">
<label>${t('login.username')} <input name="username" required maxlength="32" value="admin" autocomplete="username"></label>
<label>${t('login.password')} <input name="password" type="password" required maxlength="256" autocomplete="new-password"></label>
<label>${t('setup.again')} <input name="again" type="password" required maxlength="256" autocomplete="new-password"></label>
<p class="hint">${t('users.passwordHint')}</p>
<button type="submit">${t('setup.create')}</button>
</form>`;
  sendHtml(ctx.res, status, layoutPage(ctx, { title: t('setup.title'), body, pageId: 'setup' }));
}

async function createFirstAdmin(ctx: WebContext): Promise<void> {
  const expected = parseCookies(ctx.req.headers.cookie).get(SETUP_CSRF_COOKIE) ?? '';
  if (!csrfMatches(expected, ctx.form.get('_csrf'))) throw new ForbiddenError(ctx.t('error.csrf'));
  allowed(ctx, ctx.form.get('token'));
  const password = ctx.form.get('password') ?? '';
  if (password !== (ctx.form.get('again') ?? '')) {
    showSetup(ctx, 400, ctx.t('setup.mismatch'));
    return;
  }
  try {
    await ctx.rt.accounts.add({
      username: field(ctx.form, 'username', 64),
      role: 'admin',
      password,
      by: CONSOLE_ACTOR,
    });
  } catch (err) {
    if (!isDockError(err)) throw err;
    showSetup(ctx, 400, errorText(ctx.lang, err));
    return;
  }
  ctx.rt.firstRun.done();
  ctx.rt.logger.info('first administrator created through the setup link');
  redirect(ctx.res, '/login?done=setup');
}

/** `/setup`: the first administrator, from the one-time link dockd logs on a ledger with no account. */
export const setupRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/setup',
    access: 'public',
    kind: 'page',
    handler: (ctx) => {
      allowed(ctx, ctx.query.get('token'));
      showSetup(ctx, 200, null);
    },
  },
  { method: 'POST', path: '/setup', access: 'public', kind: 'page', handler: createFirstAdmin },
];
