import { LoginRefusedError, LoginThrottledError } from '../../access/errors.ts';
import { csrfMatches } from '../../access/web-sessions.ts';
import { FIRST_ADMIN_COMMAND } from '../first-run.ts';
import { formToken } from '../form-token.ts';
import { html } from '../html.ts';
import { layoutPage } from '../layout.ts';
import { field, parseCookies, safeNextPath } from '../request-input.ts';
import { redirect, sendHtml } from '../responses.ts';
import type { Route } from '../router.ts';
import type { WebContext } from '../web-context.ts';
import { ForbiddenError } from '../web-errors.ts';

/**
 * The login form has no session yet, so its CSRF token is a double-submit cookie: a random value
 * in a SameSite=Strict cookie that the form must repeat.
 */
const LOGIN_CSRF_COOKIE = 'rd_login_csrf';

function loginToken(ctx: WebContext): string {
  return formToken(ctx, LOGIN_CSRF_COOKIE, '/login');
}

function showLogin(ctx: WebContext, status: number, error: string | null): void {
  const next = safeNextPath(ctx.query.get('next') ?? ctx.form.get('next'));
  const token = loginToken(ctx);
  const firstRun =
    ctx.rt.accounts.list().length === 0
      ? html`<section class="notices" id="first-run"><p>${ctx.t('login.noAccount')}</p>
<pre class="command">${FIRST_ADMIN_COMMAND}</pre><p class="hint">${ctx.t('login.setupLink')}</p></section>`
      : '';
  const body = html`${error ? html`<p class="flash error" role="alert" id="login-error">${error}</p>` : ''}${firstRun}
<form method="post" action="/login" class="login-form" id="login-form">
<input type="hidden" name="_csrf" value="${token}">
<input type="hidden" name="next" value="${next}">
<label>${ctx.t('login.username')} <input name="username" autocomplete="username" required maxlength="32" autofocus></label>
<label>${ctx.t('login.password')} <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">${ctx.t('login.submit')}</button>
</form>`;
  sendHtml(ctx.res, status, layoutPage(ctx, { title: ctx.t('login.title'), body, pageId: 'login' }));
}

async function login(ctx: WebContext): Promise<void> {
  const expected = parseCookies(ctx.req.headers.cookie).get(LOGIN_CSRF_COOKIE) ?? '';
  if (!csrfMatches(expected, ctx.form.get('_csrf'))) throw new ForbiddenError(ctx.t('error.csrf'));
  const username = field(ctx.form, 'username', 64);
  const password = ctx.form.get('password') ?? '';
  try {
    const account = await ctx.rt.accounts.authenticate(
      username,
      password,
      ctx.req.socket.remoteAddress ?? '',
    );
    const session = ctx.rt.sessions.start(account);
    ctx.res.appendHeader('set-cookie', ctx.rt.sessions.setCookie(session.token, { secure: true }));
    ctx.res.appendHeader(
      'set-cookie',
      `${LOGIN_CSRF_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Secure; Max-Age=0`,
    );
    redirect(ctx.res, safeNextPath(ctx.form.get('next')));
  } catch (err) {
    if (err instanceof LoginThrottledError) {
      ctx.res.setHeader('retry-after', String(err.retryAfterSeconds));
      showLogin(
        ctx,
        429,
        ctx.t('login.throttled', { minutes: Math.max(1, Math.ceil(err.retryAfterSeconds / 60)) }),
      );
      return;
    }
    if (err instanceof LoginRefusedError) {
      showLogin(ctx, 401, ctx.t('login.refused'));
      return;
    }
    throw err;
  }
}

function logout(ctx: WebContext): void {
  ctx.rt.sessions.end(ctx.user?.token);
  ctx.res.appendHeader('set-cookie', ctx.rt.sessions.clearCookie({ secure: true }));
  redirect(ctx.res, '/login');
}

/** `/login` and `/logout`. */
export const loginRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/login',
    access: 'public',
    kind: 'page',
    handler: (ctx) => {
      if (ctx.user) redirect(ctx.res, safeNextPath(ctx.query.get('next')));
      else showLogin(ctx, 200, null);
    },
  },
  { method: 'POST', path: '/login', access: 'public', kind: 'page', handler: login },
  { method: 'POST', path: '/logout', access: 'user', kind: 'page', handler: logout },
];
