import { formatDateTime } from '../display-format.ts';
import { html } from '../html.ts';
import { sendPage } from '../layout.ts';
import { optionalField } from '../request-input.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { type Namer, namer } from '../things-named.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { dayRange } from '../zoned-dates.ts';

/** `key=value,…` of a logged target, as a map. */
function fieldsOf(text: string): Map<string, string> {
  return new Map(
    text
      .split(',')
      .map((p) => p.split('=') as [string, string | undefined])
      .filter((kv): kv is [string, string] => kv[1] !== undefined),
  );
}

/** What a line of the access log was about, in words: the clip, the export, the ledger's filter, the report. */
function targetText(ctx: WebContext, n: Namer, target: string): { text: string; href: string | null } {
  const t = ctx.t;
  const colon = target.indexOf(':');
  const head = target.slice(0, colon);
  const rest = target.slice(colon + 1);
  if (head === 'ledger' || head === 'access-log') {
    const f = fieldsOf(rest);
    const parts = [
      t('common.range', { from: f.get('from') ?? '', to: f.get('to') ?? '' }),
      ...(f.get('serial') ? [f.get('serial') as string] : []),
      ...(f.get('officer') ? [n.officer(f.get('officer'))] : []),
      ...(f.get('user') ? [n.account(f.get('user') as string)] : []),
    ];
    return {
      text: t(head === 'ledger' ? 'name.ledgerExport' : 'name.accessLogView', {
        filter: parts.join('，'),
        from: f.get('from') ?? '',
        to: f.get('to') ?? '',
      }),
      href: null,
    };
  }
  if (head === 'report') {
    const [name, year, how] = rest.split(':');
    const label =
      name === 'inventory' || name === 'handover' || name === 'statistics'
        ? t(`reports.${name}` as const)
        : (name ?? '');
    return {
      text: t('name.report', {
        name: [label, year, how === 'csv' || how === 'xlsx' ? how.toUpperCase() : '']
          .filter(Boolean)
          .join(' '),
      }),
      href: '/reports',
    };
  }
  return n.subject(target);
}

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
  const n = namer(ctx.rt.ledger, t, ctx.rt.timeZone);
  const rows = entries.map((e) => {
    const target = targetText(ctx, n, e.target);
    return html`<tr data-seq="${e.seq}" data-action="${e.action}"><td class="num">${e.seq}</td><td>${formatDateTime(
      e.at,
      ctx.rt.timeZone,
    )}</td><td>${n.account(e.username)}</td><td>${t(`action.${e.action}` as const)}</td><td>${
      target.href ? html`<a href="${target.href}">${target.text}</a>` : target.text
    }</td><td>${n.request(e.requestId)}</td><td>${e.reason ?? ''}</td></tr>`;
  });
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
