import { holdsRecorder } from '../../dock/held-recorders.ts';
import type { AlertRecord } from '../../ledger/ledger-records.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { postForm, sendPage } from '../layout.ts';
import { field, optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';

/** Alert kinds the page names in words (others are shown as their machine name). */
const KIND_LABELS: Readonly<Record<string, MessageKey>> = {
  'late-clip': 'alertKind.lateClip',
  'recording-gap': 'alertKind.recordingGap',
  'unknown-recorder': 'alertKind.unknownRecorder',
  'identity-changed': 'alertKind.identityChanged',
  'unusable-recorder-taken': 'alertKind.unusableTaken',
  'storage-low': 'alertKind.storageLow',
  'forward-backlog': 'alertKind.forwardBacklog',
  'recorder-not-ready': 'alertKind.notReady',
  'unsafe-entries': 'alertKind.unsafeEntries',
  'no-officer': 'alertKind.noOfficer',
  'unknown-device': 'alertKind.unknownDevice',
  'offsite-copy-mismatch': 'alertKind.offsiteCopyMismatch',
  'vault-copy-mismatch': 'alertKind.vaultCopyMismatch',
  'offsite-lock-not-kept': 'alertKind.offsiteLockNotKept',
  'offsite-not-worm': 'alertKind.offsiteNotWorm',
  'offsite-source-missing': 'alertKind.offsiteSourceMissing',
  'held-copy-missing': 'alertKind.heldCopyMissing',
  'clips-evicted': 'alertKind.clipsEvicted',
  'retention-ended': 'alertKind.retentionEnded',
};

const RESOLVED_DAYS = 30;

/** The subject of an alert; a clip links to its page. */
function subjectCell(subject: string): SafeHtml {
  const clip = /^clip:([0-9a-f]{32})$/.exec(subject)?.[1];
  return clip ? html`<a href="${`/clips/${clip}`}">${subject}</a>` : html`${subject}`;
}

/** An alert kind in words. */
export function alertKindLabel(ctx: WebContext, kind: string): string {
  const key = Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind] : undefined;
  return key ? ctx.t(key) : kind;
}

/** The R9 form; shown again with what was typed when the ledger refused it. */
function explainForm(ctx: WebContext, a: AlertRecord): SafeHtml {
  const t = ctx.t;
  const again = ctx.flashError !== null && ctx.form.get('alertId') === a.id;
  const text = again ? (ctx.form.get('text') ?? '') : '';
  const signers = again ? ctx.form.getAll('signedBy') : [];
  const signer = (i: number) =>
    html`<input name="signedBy"${i < 2 ? html` required` : ''} maxlength="32" size="8" value="${signers[i] ?? ''}">`;
  return postForm(
    ctx,
    `/alerts/${encodeURIComponent(a.id)}/explain`,
    html`<input type="hidden" name="alertId" value="${a.id}">
<label>${t('alerts.explanation')} <textarea name="text" rows="2" required minlength="10" maxlength="2000">${text}</textarea></label>
<span class="signers">${t('alerts.signedBy')} ${signer(0)} ${signer(1)} ${signer(2)}</span>
<button type="submit">${t('alerts.explain')}</button>`,
    { className: 'stacked explain-form', data: { alert: a.id, kind: 'explain' } },
  );
}

function actionsOf(ctx: WebContext, a: AlertRecord): SafeHtml {
  const t = ctx.t;
  const id = encodeURIComponent(a.id);
  if (holdsRecorder(a.kind)) return html`<a href="/recorders#held-recorders">${t('alerts.decideHeld')}</a>`;
  const parts: SafeHtml[] = [];
  if (a.kind === 'recording-gap' && userCan(ctx, 'gaps.explain')) {
    parts.push(explainForm(ctx, a));
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
  const open = ledger.queries.openAlerts();
  const resolved = ledger.queries.resolvedAlerts(new Date(now().getTime() - RESOLVED_DAYS * 86_400_000));
  const openRows = open.map(
    (a) =>
      html`<tr data-alert="${a.id}" data-kind="${a.kind}" class="sev-${a.severity}"><td>${alertKindLabel(
        ctx,
        a.kind,
      )}</td><td>${t(`severity.${a.severity}` as const)}</td><td class="subject">${subjectCell(a.subject)}</td><td class="detail">${a.detail ?? ''}</td><td>${formatDateTime(
        a.openedAt,
        timeZone,
      )}</td><td class="no-print">${actionsOf(ctx, a)}</td></tr>`,
  );
  const resolvedRows = resolved.map(
    (a) =>
      html`<tr data-alert="${a.id}" data-kind="${a.kind}"><td>${alertKindLabel(ctx, a.kind)}</td><td class="subject">${subjectCell(a.subject)}</td><td>${formatDateTime(
        a.openedAt,
        timeZone,
      )}</td><td>${formatDateTime(a.resolvedAt, timeZone)}</td><td>${a.resolvedBy ?? ''}</td><td>${a.note ?? ''}</td></tr>`,
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

function explainGap(ctx: WebContext): void {
  const signedBy = ctx.form
    .getAll('signedBy')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (signedBy.length > 10) throw new BadRequestError(ctx.t('alerts.tooManySigners'));
  ctx.rt.ledger.sessionRecords.explainGap({
    alertId: ctx.params.id ?? '',
    text: field(ctx.form, 'text', 2000),
    signedBy,
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
  {
    method: 'POST',
    path: '/alerts/:id/explain',
    access: needs('gaps.explain'),
    kind: 'page',
    handler: explainGap,
    formPage: BACK,
  },
];
