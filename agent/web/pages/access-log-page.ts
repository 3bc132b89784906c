import { formatDateTime } from '../display-format.ts';
import { html } from '../html.ts';
import { sendPage } from '../layout.ts';
import { optionalField } from '../request-input.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { dayRange } from '../zoned-dates.ts';

function accessLogPage(ctx: WebContext): void {
  const t = ctx.t;
  const range = dayRange(ctx.query.get('from'), ctx.query.get('to'), ctx.rt.now(), ctx.rt.timeZone, 7);
  const username = optionalField(ctx.query, 'user', 32);
  // Looking at the consultation ledger is itself a consultation (R6).
  ctx.rt.ledger.access.log({
    username: userOf(ctx).account.username,
    action: 'access-log',
    target: `access-log:from=${range.fromText},to=${range.toText}${username ? `,user=${username}` : ''}`,
  });
  const entries = ctx.rt.ledger.accessQueries.accessLog({
    from: range.from,
    to: range.to,
    ...(username ? { username } : {}),
    limit: 1000,
  });
  const rows = entries.map(
    (e) =>
      html`<tr data-seq="${e.seq}" data-action="${e.action}"><td class="num">${e.seq}</td><td>${formatDateTime(
        e.at,
        ctx.rt.timeZone,
      )}</td><td>${e.username}</td><td>${t(`action.${e.action}` as const)}</td><td>${e.target}</td><td>${
        e.requestId ?? ''
      }</td><td>${e.reason ?? ''}</td></tr>`,
  );
  const body = html`<form method="get" action="/access-log" class="filter no-print" id="access-log-filter">
<label>${t('common.from')} <input type="date" name="from" value="${range.fromText}"></label>
<label>${t('common.to')} <input type="date" name="to" value="${range.toText}"></label>
<label>${t('accessLog.user')} <input name="user" value="${username ?? ''}" maxlength="32"></label>
<button type="submit">${t('common.filter')}</button>
</form>
${simpleTable(
  [
    t('accessLog.seq'),
    t('accessLog.at'),
    t('accessLog.user'),
    t('accessLog.action'),
    t('accessLog.target'),
    t('accessLog.request'),
    t('access.reason'),
  ],
  rows,
  { id: 'access-log-table', empty: t('common.noRows') },
)}`;
  sendPage(ctx, {
    title: t('nav.accessLog'),
    active: '/access-log',
    body,
    printable: true,
    pageId: 'access-log',
  });
}

/** `/access-log` (查询台账): every view, download and export, by date. */
export const accessLogRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/access-log',
    access: needs('accessLog.view'),
    kind: 'page',
    handler: accessLogPage,
  },
];
