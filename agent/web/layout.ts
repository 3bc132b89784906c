import { can, type Permission } from '../access/permissions.ts';
import { html, rawHtml, type SafeHtml } from './html.ts';
import { type MessageKey, WEB_LANGS } from './i18n/messages.ts';
import { sendHtml } from './responses.ts';
import type { WebContext } from './web-context.ts';

/** The top navigation: each page and the permissions that open it (any of them). */
export const NAV_ITEMS: readonly { path: string; label: MessageKey; anyOf: readonly Permission[] }[] = [
  { path: '/', label: 'nav.now', anyOf: ['now.view'] },
  { path: '/ledger', label: 'nav.ledger', anyOf: ['ledger.view'] },
  { path: '/recorders', label: 'nav.recorders', anyOf: ['recorders.view'] },
  { path: '/alerts', label: 'nav.alerts', anyOf: ['alerts.view'] },
  { path: '/clips', label: 'nav.clips', anyOf: ['clips.search'] },
  { path: '/access', label: 'nav.access', anyOf: ['footage.request', 'footage.decide'] },
  { path: '/exports', label: 'nav.exports', anyOf: ['exports.view'] },
  { path: '/reports', label: 'nav.reports', anyOf: ['reports.view'] },
  { path: '/lifecycle', label: 'nav.lifecycle', anyOf: ['lifecycle.view'] },
  { path: '/access-log', label: 'nav.accessLog', anyOf: ['accessLog.view'] },
  { path: '/users', label: 'nav.users', anyOf: ['users.manage'] },
];

/** The confirmations a successful form may redirect with (`?done=…`). */
const DONE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  saved: 'done.saved',
  requested: 'done.requested',
  decided: 'done.decided',
  exporting: 'done.exporting',
  checked: 'done.checked',
};

/** Hidden CSRF field for a form of the logged-in user. */
export function csrfField(ctx: WebContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.user?.csrfToken ?? ''}">`;
}

/** A POST form with its CSRF field; `confirm` asks before sending (app.js); `data` adds data-* attributes. */
export function postForm(
  ctx: WebContext,
  action: string,
  body: SafeHtml,
  opts: { className?: string; confirm?: string; id?: string; data?: Readonly<Record<string, string>> } = {},
): SafeHtml {
  const data = Object.entries(opts.data ?? {})
    .filter(([name]) => /^[a-z][a-z0-9-]*$/.test(name))
    .map(([name, value]) => html` data-${rawHtml(name)}="${value}"`);
  return html`<form method="post" action="${action}" class="${opts.className ?? 'inline'}"${
    opts.id ? html` id="${opts.id}"` : ''
  }${opts.confirm ? html` data-confirm="${opts.confirm}"` : ''}${data}>${csrfField(ctx)}${body}</form>`;
}

function langSwitch(ctx: WebContext): SafeHtml {
  const links = WEB_LANGS.filter((l) => l !== ctx.lang).map((l) => {
    const q = new URLSearchParams(ctx.query);
    q.delete('done');
    q.set('lang', l);
    return html`<a href="${`${ctx.path}?${q.toString()}`}" hreflang="${l}" lang="${l}">${ctx.t(
      l === 'en' ? 'lang.en' : 'lang.zh',
    )}</a>`;
  });
  return html`<span class="lang">${links}</span>`;
}

function nav(ctx: WebContext, active: string): SafeHtml {
  const user = ctx.user;
  if (!user) return html``;
  const items = NAV_ITEMS.filter((i) => i.anyOf.some((p) => can(user.account.role, p))).map(
    (i) =>
      html`<li><a href="${i.path}"${i.path === active ? html` aria-current="page"` : ''}>${ctx.t(i.label)}</a></li>`,
  );
  return html`<nav class="main-nav" aria-label="${ctx.t('nav.label')}"><ul>${items}</ul></nav>
<div class="who"><span class="user" id="current-user">${user.account.username}</span>
<span class="role">(${ctx.t(`role.${user.account.role}` as const)})</span>
${langSwitch(ctx)}
<form method="post" action="/logout" class="inline">${csrfField(ctx)}<button type="submit">${ctx.t('nav.logout')}</button></form></div>`;
}

/** Messages at the top of a page: a refused form's error, or the confirmation of one that worked. */
function flash(ctx: WebContext): SafeHtml {
  if (ctx.flashError) return html`<p class="flash error" role="alert">${ctx.flashError}</p>`;
  const done = DONE_MESSAGES[ctx.query.get('done') ?? ''];
  return done ? html`<p class="flash ok" role="status">${ctx.t(done)}</p>` : html``;
}

/** A whole page: head, navigation for the user's role, title, messages, body. */
export function layoutPage(
  ctx: WebContext,
  opts: { title: string; active?: string; body: SafeHtml; printable?: boolean; pageId?: string },
): SafeHtml {
  const print = opts.printable
    ? html`<button type="button" class="print-button" data-action="print">${ctx.t('common.print')}</button>`
    : '';
  return html`<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${ctx.t('app.title')}</title>
<link rel="stylesheet" href="${ctx.rt.assetUrl('app.css')}">
<script src="${ctx.rt.assetUrl('app.js')}" defer></script>
</head>
<body data-page="${opts.pageId ?? ''}">
<header class="top"><span class="brand">${ctx.t('app.title')}</span>${nav(ctx, opts.active ?? '')}${
    ctx.user ? '' : langSwitch(ctx)
  }</header>
<main>
<div class="title-row"><h1>${opts.title}</h1>${print}</div>
${flash(ctx)}
${opts.body}
</main>
</body>
</html>`;
}

/** A page that only says one thing (403, 404, an error), with a link home. */
export function messagePage(ctx: WebContext, title: string, message: string): SafeHtml {
  return layoutPage(ctx, {
    title,
    body: html`<p class="message" id="message">${message}</p><p><a href="/">${ctx.t('common.home')}</a></p>`,
  });
}

/** Send a page; 400 when it is shown again because its form was refused. */
export function sendPage(ctx: WebContext, opts: Parameters<typeof layoutPage>[1]): void {
  sendHtml(ctx.res, ctx.flashError ? 400 : 200, layoutPage(ctx, opts));
}
