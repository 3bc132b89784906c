import { holdsRecorder } from '../../dock/held-recorders.ts';
import { alertKindText, alertText } from '../../i18n/alert-text.ts';
import { DOCK_ACTOR } from '../../ledger/alert-kinds.ts';
import type { AlertRecord } from '../../ledger/ledger-records.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { alertWording, type Namer, namer } from '../things-named.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { explainedGap, gapRoutes, openGapActions } from './gap-explanations.ts';

const RESOLVED_DAYS = 30;

/** The signers of an explained gap (stored as officer numbers) by name. */
/** A resolved alert's note; the dock's own (the condition cleared) in the reader's language. */
function noteText(ctx: WebContext, a: { resolvedBy: string | null; note: string | null }): string {
  if (a.resolvedBy === DOCK_ACTOR && ctx.lang !== 'en') return ctx.t('alerts.autoCleared');
  return a.note ?? '';
}

function signersText(n: Namer, resolvedBy: string | null): string {
  return (resolvedBy ?? '')
    .split(',')
    .filter((no) => no !== '')
    .map((no) => n.officer(no))
    .join('、');
}

/** What an alert concerns, in words; linked to the page that shows it. */
function subjectCell(n: Namer, subject: string): SafeHtml {
  const { text, href } = n.subject(subject);
  return href ? html`<a href="${href}">${text}</a>` : html`${text}`;
}

/** An alert kind in words, from the shared catalogue. */
export function alertKindLabel(ctx: WebContext, kind: string): string {
  return alertKindText(ctx.lang, kind);
}

function actionsOf(ctx: WebContext, a: AlertRecord): SafeHtml {
  const t = ctx.t;
  const id = encodeURIComponent(a.id);
  if (holdsRecorder(a.kind)) return html`<a href="/recorders#held-recorders">${t('alerts.decideHeld')}</a>`;
  const parts: SafeHtml[] = [];
  if (a.kind === 'recording-gap') {
    parts.push(openGapActions(ctx, a));
  } else if (userCan(ctx, 'alerts.resolve')) {
    parts.push(
      postForm(
        ctx,
        `/alerts/${id}/resolve`,
        html`<input name="note" maxlength="500" placeholder="${t('common.note')}"> <button type="submit">${t('alerts.resolve')}</button>`,
        { className: 'inline resolve-form', data: { alert: a.id, kind: 'resolve' } },
      ),
    );
  }
  return html`${parts}`;
}

function alertsPage(ctx: WebContext): void {
  const { ledger, timeZone, now } = ctx.rt;
  const t = ctx.t;
  const n = namer(ledger, t, timeZone);
  const open = ledger.queries.openAlerts();
  const resolved = ledger.queries.resolvedAlerts(new Date(now().getTime() - RESOLVED_DAYS * 86_400_000));
  const openRows = open.map(
    (a) =>
      html`<tr data-alert="${a.id}" data-kind="${a.kind}" class="sev-${a.severity}"><td>${alertKindLabel(
        ctx,
        a.kind,
      )}</td><td>${t(`severity.${a.severity}` as const)}</td><td class="subject">${subjectCell(n, a.subject)}</td><td class="detail">${alertText(a, alertWording(ctx, n))}</td><td>${formatDateTime(
        a.openedAt,
        timeZone,
      )}</td><td class="no-print">${actionsOf(ctx, a)}</td></tr>`,
  );
  const resolvedRows = resolved.map(
    (a) =>
      html`<tr data-alert="${a.id}" data-kind="${a.kind}"><td>${alertKindLabel(ctx, a.kind)}</td><td class="subject">${subjectCell(n, a.subject)}</td><td>${formatDateTime(
        a.openedAt,
        timeZone,
      )}</td><td>${formatDateTime(a.resolvedAt, timeZone)}</td><td>${
        a.kind === 'recording-gap'
          ? signersText(n, a.resolvedBy)
          : a.resolvedBy
            ? n.account(a.resolvedBy)
            : ''
      }</td><td>${a.kind === 'recording-gap' ? explainedGap(ctx, a) : noteText(ctx, a)}</td></tr>`,
  );
  const body = html`<section id="open-alerts"><h2>${t('alerts.open')}</h2>
${simpleTable(
  [t('alerts.kind'), t('alerts.severity'), t('alerts.subject'), t('alerts.detail'), t('alerts.openedAt'), ''],
  openRows,
  { id: 'open-alert-table', empty: t('alerts.noneOpen') },
)}
<p class="hint">${t('alerts.gapHint')}</p></section>
<section id="resolved-alerts"><h2>${t('alerts.resolved', { days: RESOLVED_DAYS })}</h2>
${simpleTable(
  [
    t('alerts.kind'),
    t('alerts.subject'),
    t('alerts.openedAt'),
    t('alerts.resolvedAt'),
    t('alerts.resolvedBy'),
    t('common.note'),
  ],
  resolvedRows,
  { id: 'resolved-alert-table', empty: t('common.noRows') },
)}</section>`;
  sendPage(ctx, { title: t('nav.alerts'), active: '/alerts', body, printable: true, pageId: 'alerts' });
}

function resolveAlert(ctx: WebContext): void {
  const { ledger } = ctx.rt;
  const alert = ledger.queries.openAlerts().find((a) => a.id === ctx.params.id);
  if (!alert) throw new BadRequestError(ctx.t('alerts.notOpen'));
  if (holdsRecorder(alert.kind)) throw new BadRequestError(ctx.t('alerts.useDecide'));
  ledger.resolveAlert(alert.id, {
    resolvedBy: userOf(ctx).account.username,
    note: optionalField(ctx.form, 'note', 500),
  });
  redirect(ctx.res, '/alerts?done=saved');
}

const BACK = () => '/alerts';

/** `/alerts` (告警): open and recently resolved alerts, resolving them, R9 gap explanations. */
export const alertRoutes: readonly Route[] = [
  { method: 'GET', path: '/alerts', access: needs('alerts.view'), kind: 'page', handler: alertsPage },
  {
    method: 'POST',
    path: '/alerts/:id/resolve',
    access: needs('alerts.resolve'),
    kind: 'page',
    handler: resolveAlert,
    formPage: BACK,
  },
  ...gapRoutes,
];
