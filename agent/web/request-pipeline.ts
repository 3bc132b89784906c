import type { IncomingMessage, ServerResponse } from 'node:http';
import { can } from '../access/permissions.ts';
import { csrfMatches, SESSION_COOKIE } from '../access/web-sessions.ts';
import { isDockError } from '../errors.ts';
import { errorText, wordsOf } from '../i18n/error-words.ts';
import { LANG_COOKIE, parseLang, translator, type WebLang } from './i18n/messages.ts';
import { messagePage } from './layout.ts';
import { parseCookies, parseTarget, readForm, sameOriginRequest } from './request-input.ts';
import { redirect, sendHtml, sendJson, setSecurityHeaders } from './responses.ts';
import { matchRoute, type Route } from './router.ts';
import type { StaticAssets } from './static-assets.ts';
import type { WebContext, WebRuntime, WebUser } from './web-context.ts';
import { ForbiddenError, NotFoundError, statusOf, WebRequestError } from './web-errors.ts';

/** Routes whose requests are logged at debug level (polled every second). */
const QUIET_ROUTES = new Set(['/api/now', '/assets/:name']);

function resumeUser(rt: WebRuntime, token: string | undefined): WebUser | null {
  if (!token) return null;
  const s = rt.sessions.resume(token);
  return s ? { account: s.account, csrfToken: s.csrfToken, token, sessionStartedAt: s.startedAt } : null;
}

function contextFor(
  rt: WebRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  lang: WebLang,
  user: WebUser | null,
): WebContext {
  return {
    rt,
    req,
    res,
    method: req.method ?? 'GET',
    path: '/',
    query: new URLSearchParams(),
    params: {},
    lang,
    t: translator(lang),
    user,
    form: new URLSearchParams(),
    flashError: null,
    route: '(unmatched)',
  };
}

/** Whether a logged-in user may use a route. */
export function mayUse(route: Route, user: WebUser | null): boolean {
  if (route.access === 'public') return true;
  if (!user) return false;
  if (route.access === 'user') return true;
  return route.access.anyOf.some((p) => can(user.account.role, p));
}

function refuseAnonymous(ctx: WebContext, route: Route): void {
  if (route.kind === 'api') {
    sendJson(ctx.res, 401, { error: ctx.t('error.401') });
    return;
  }
  const q = ctx.query.toString();
  const next = ctx.method === 'GET' ? `${ctx.path}${q ? `?${q}` : ''}` : '/';
  redirect(ctx.res, `/login?next=${encodeURIComponent(next)}`);
}

/**
 * A refusal in the reader's language: the error's catalogue words (agent/i18n/error-words.ts);
 * the page's own refusals are already in it. A DockError with no words yet is logged, and shown
 * in Chinese as a general sentence rather than in English.
 */
function refusalText(ctx: WebContext, err: Error): string {
  if (wordsOf(err) || err instanceof WebRequestError) return errorText(ctx.lang, err);
  ctx.rt.logger.warn(
    { code: isDockError(err) ? err.code : null, route: ctx.route },
    'refusal without catalogue words',
  );
  return ctx.lang === 'en' ? err.message : ctx.t('err.generic');
}

/** Answer an error: a page (or JSON for APIs) with one sentence; never a stack trace. */
function sendError(ctx: WebContext, err: unknown, kind: Route['kind']): void {
  const status = statusOf(err);
  if (status >= 500) ctx.rt.logger.error({ err, route: ctx.route }, 'web request failed');
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  let message = ctx.t('error.500');
  if (err instanceof WebRequestError && err.generic) {
    message = ctx.t(err.status === 403 ? 'error.403' : 'error.404');
  } else if (status < 500 && err instanceof Error) {
    message = refusalText(ctx, err);
  }
  if (status === 413) ctx.res.setHeader('connection', 'close');
  if (kind === 'api') sendJson(ctx.res, status, { error: message });
  else
    sendHtml(
      ctx.res,
      status,
      messagePage(ctx, ctx.t(status >= 500 ? 'error.title.500' : 'error.title'), message),
    );
}

/** A refused form shows its page again with the error; false when there is no such page to show. */
async function reshowForm(
  routes: readonly Route[],
  ctx: WebContext,
  route: Route,
  err: unknown,
): Promise<boolean> {
  if (!route.formPage || !isDockError(err) || statusOf(err) !== 400) return false;
  const target = parseTarget(route.formPage(ctx));
  const match = matchRoute(routes, 'GET', target.segments);
  if (!match.route || !mayUse(match.route, ctx.user)) return false;
  await match.route.handler({
    ...ctx,
    method: 'GET',
    path: target.path,
    query: target.query,
    params: match.params,
    flashError: refusalText(ctx, err),
  });
  return true;
}

/** Handle one request: security headers, assets, language, session, route, permission, CSRF, errors, log. */
export async function handleRequest(
  rt: WebRuntime,
  routes: readonly Route[],
  assets: StaticAssets,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = process.hrtime.bigint();
  setSecurityHeaders(res);
  const cookies = parseCookies(req.headers.cookie);
  let ctx = contextFor(rt, req, res, parseLang(cookies.get(LANG_COOKIE)) ?? 'zh-CN', null);
  let kind: Route['kind'] = 'page';
  res.once('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const fields = {
      method: ctx.method,
      route: ctx.route,
      status: res.statusCode,
      user: ctx.user?.account.username ?? null,
      ms: Math.round(ms),
      ...(res.writableFinished ? {} : { aborted: true }),
    };
    if (QUIET_ROUTES.has(ctx.route)) rt.logger.debug(fields, 'web request');
    else rt.logger.info(fields, 'web request');
  });
  try {
    const target = parseTarget(req.url);
    const [first, second] = target.segments;
    if (
      first === 'assets' &&
      target.segments.length === 2 &&
      (ctx.method === 'GET' || ctx.method === 'HEAD')
    ) {
      ctx = { ...ctx, route: '/assets/:name' };
      await assets.serve(second ?? '', req, res);
      return;
    }
    const queryLang = parseLang(target.query.get('lang'));
    if (queryLang) {
      res.appendHeader(
        'set-cookie',
        `${LANG_COOKIE}=${queryLang}; Path=/; Max-Age=31536000; SameSite=Strict; Secure`,
      );
    }
    const lang = queryLang ?? ctx.lang;
    const user = resumeUser(rt, cookies.get(SESSION_COOKIE));
    ctx = { ...ctx, path: target.path, query: target.query, lang, t: translator(lang), user };
    const match = matchRoute(routes, ctx.method, target.segments);
    if (!match.route) {
      if (match.allowed.length > 0) {
        res.setHeader('allow', [...new Set(match.allowed)].join(', '));
        throw new WebRequestError(405, ctx.t('error.405'));
      }
      throw new NotFoundError();
    }
    const route = match.route;
    kind = route.kind;
    ctx = { ...ctx, params: match.params, route: route.path };
    if (route.access !== 'public' && !user) {
      refuseAnonymous(ctx, route);
      return;
    }
    if (!mayUse(route, user)) throw new ForbiddenError();
    if (route.method === 'POST') {
      if (!sameOriginRequest(req, Boolean(rt.tls))) throw new ForbiddenError(ctx.t('error.crossOrigin'));
      const form = await readForm(req);
      // Public forms (the login) check their own token: there is no session yet.
      if (route.access !== 'public' && !csrfMatches(user?.csrfToken ?? '', form.get('_csrf')))
        throw new ForbiddenError(ctx.t('error.csrf'));
      ctx = { ...ctx, form };
    }
    try {
      await route.handler(ctx);
    } catch (err) {
      if (!(await reshowForm(routes, ctx, route, err))) throw err;
    }
  } catch (err) {
    sendError(ctx, err, kind);
  }
}
