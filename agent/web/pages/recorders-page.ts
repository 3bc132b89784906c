import { heldRecorders } from '../../dock/held-recorders.ts';
import type { FaultRecord, RecorderRecord } from '../../ledger/ledger-records.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userCan, type WebContext } from '../web-context.ts';
import { zonedDateTimeField } from '../zoned-dates.ts';
import { heldActions } from './now-page.ts';
import { recorderFormRoutes } from './recorder-forms.ts';

function statusLabel(ctx: WebContext, r: RecorderRecord): string {
  const status = ctx.t(`status.${r.status}` as const);
  return r.statusReason ? `${status} (${r.statusReason})` : status;
}

function heldSection(ctx: WebContext, manage: boolean): SafeHtml {
  const held = heldRecorders(ctx.rt.ledger);
  if (held.length === 0) return html``;
  const rows = held.map(
    (h) => html`<tr data-serial="${h.serial}"><td>${h.serial}</td><td>${ctx.t(
      h.alert.kind === 'identity-changed' ? 'recorders.identityChanged' : 'recorders.unknown',
    )}</td><td>${h.identity.model ?? ''}</td><td>${h.identity.vendor ?? ''}</td><td>${h.identity.fingerprint ?? ''}</td>
<td>${formatDateTime(h.alert.openedAt, ctx.rt.timeZone)}</td><td class="no-print">${
      manage ? heldActions(ctx, h.serial, '/recorders') : ''
    }</td></tr>`,
  );
  const t = ctx.t;
  return html`<section id="held-recorders"><h2>${t('recorders.held')}</h2>
${simpleTable(
  [
    t('now.serial'),
    t('recorders.why'),
    t('recorders.model'),
    t('recorders.vendor'),
    t('recorders.fingerprint'),
    t('recorders.since'),
    t('now.actions'),
  ],
  rows,
  { empty: '' },
)}</section>`;
}

function faultRows(ctx: WebContext, faults: readonly FaultRecord[], manage: boolean): SafeHtml[] {
  const tz = ctx.rt.timeZone;
  return faults.map((f) => {
    const deadline = new Date(f.observedAt.getTime() + f.deadlineHours * 3_600_000);
    const resolve = manage
      ? postForm(
          ctx,
          `/faults/${encodeURIComponent(f.id)}/resolve`,
          html`<input name="note" maxlength="500" placeholder="${ctx.t('common.note')}"> <label><input type="checkbox" name="inService" value="1" checked> ${ctx.t(
            'recorders.backInService',
          )}</label> <button type="submit">${ctx.t('recorders.resolveFault')}</button>`,
        )
      : '';
    return html`<tr data-fault="${f.id}"><td>${f.serial}</td><td>${formatDateTime(f.observedAt, tz)}</td><td>${formatDateTime(
      f.reportedAt,
      tz,
    )}</td><td>${f.reportedBy}</td><td>${formatDateTime(deadline, tz)} (${f.deadlineHours} h)</td><td class="${
      f.deadlineMet ? 'ok' : 'bad'
    }">${ctx.t(f.deadlineMet ? 'recorders.deadlineMet' : 'recorders.deadlineMissed')}</td><td>${f.description}</td><td class="no-print">${resolve}</td></tr>`;
  });
}

function manageForms(ctx: WebContext, recorders: readonly RecorderRecord[]): SafeHtml {
  const t = ctx.t;
  const serials = recorders
    .filter((r) => r.status !== 'retired')
    .map((r) => html`<option value="${r.serial}">${r.serial}</option>`);
  const select = html`<select name="serial" required>${serials}</select>`;
  const now = zonedDateTimeField(ctx.rt.now(), ctx.rt.timeZone);
  return html`<section class="forms no-print" id="recorder-forms"><h2>${t('recorders.manage')}</h2>
<div class="form-grid">
${postForm(
  ctx,
  '/recorders',
  html`<h3>${t('recorders.register')}</h3>
<label>${t('now.serial')} <input name="serial" required maxlength="64"></label>
<label>${t('recorders.model')} <input name="model" maxlength="64"></label>
<label>${t('recorders.vendor')} <input name="vendor" maxlength="64"></label>
<button type="submit">${t('common.save')}</button>`,
  { className: 'card', id: 'register-recorder' },
)}
${postForm(
  ctx,
  '/officers',
  html`<h3>${t('recorders.registerOfficer')}</h3>
<label>${t('common.officerNo')} <input name="officerNo" required maxlength="32"></label>
<label>${t('recorders.officerName')} <input name="name" required maxlength="64"></label>
<label>${t('recorders.unit')} <input name="unit" maxlength="100"></label>
<button type="submit">${t('common.save')}</button>`,
  { className: 'card', id: 'register-officer' },
)}
${postForm(
  ctx,
  '/recorders/bind',
  html`<h3>${t('recorders.bind')}</h3>
<label>${t('now.serial')} ${select}</label>
<label>${t('common.officerNo')} <input name="officerNo" maxlength="32"></label>
<p class="hint">${t('recorders.bindHint')}</p>
<button type="submit">${t('common.save')}</button>`,
  { className: 'card', id: 'bind-recorder' },
)}
${postForm(
  ctx,
  '/recorders/fault',
  html`<h3>${t('recorders.reportFault')}</h3>
<label>${t('now.serial')} ${select}</label>
<label>${t('recorders.observedAt')} <input type="datetime-local" name="observedAt" value="${now}" required></label>
<label>${t('recorders.description')} <textarea name="description" required maxlength="1000" rows="2"></textarea></label>
<p class="hint">${t('recorders.faultHint')}</p>
<button type="submit">${t('common.save')}</button>`,
  { className: 'card', id: 'report-fault' },
)}
${postForm(
  ctx,
  '/recorders/retire',
  html`<h3>${t('recorders.retire')}</h3>
<label>${t('now.serial')} ${select}</label>
<label>${t('recorders.reason')} <input name="reason" required maxlength="200"></label>
<button type="submit" class="danger">${t('recorders.retire')}</button>`,
  { className: 'card', id: 'retire-recorder', confirm: t('recorders.retireConfirm') },
)}
</div></section>`;
}

function recordersPage(ctx: WebContext): void {
  const { ledger, timeZone } = ctx.rt;
  const t = ctx.t;
  const manage = userCan(ctx, 'recorders.manage');
  const recorders = ledger.queries.recorders();
  const officers = new Map(ledger.accessQueries.officers().map((o) => [o.officerNo, o]));
  const faults = ledger.queries.openFaults();
  const rows = recorders.map((r) => {
    const bound = ledger.accessQueries.binding(r.serial);
    const officer = bound?.officerNo ? officers.get(bound.officerNo) : undefined;
    const open = faults.filter((f) => f.serial === r.serial).length;
    return html`<tr data-serial="${r.serial}" data-status="${r.status}"><td>${r.serial}</td><td>${r.model ?? ''}</td><td>${
      r.vendor ?? ''
    }</td><td>${statusLabel(ctx, r)}</td><td>${bound?.officerNo ? `${bound.officerNo} ${officer?.name ?? ''}` : ''}</td><td class="num">${
      open || ''
    }</td><td>${formatDateTime(r.registeredAt, timeZone)}</td></tr>`;
  });
  const officerRows = [...officers.values()].map(
    (o) =>
      html`<tr data-officer="${o.officerNo}"><td>${o.officerNo}</td><td>${o.name}</td><td>${o.unit ?? ''}</td></tr>`,
  );
  const body = html`${heldSection(ctx, manage)}
<section id="recorders"><h2>${t('recorders.list')}</h2>
${simpleTable(
  [
    t('now.serial'),
    t('recorders.model'),
    t('recorders.vendor'),
    t('recorders.status'),
    t('recorders.boundTo'),
    t('recorders.openFaults'),
    t('recorders.registeredAt'),
  ],
  rows,
  { id: 'recorder-table', empty: t('common.noRows') },
)}</section>
<section id="faults"><h2>${t('recorders.faults')}</h2>
${simpleTable(
  [
    t('now.serial'),
    t('recorders.observedAt'),
    t('recorders.reportedAt'),
    t('recorders.reportedBy'),
    t('recorders.deadline'),
    t('recorders.deadlineState'),
    t('recorders.description'),
    '',
  ],
  faultRows(ctx, faults, manage),
  { id: 'fault-table', empty: t('recorders.noFaults') },
)}</section>
<section id="officers"><h2>${t('recorders.officers')}</h2>
${simpleTable([t('common.officerNo'), t('recorders.officerName'), t('recorders.unit')], officerRows, {
  id: 'officer-table',
  empty: t('common.noRows'),
})}</section>
${manage ? manageForms(ctx, recorders) : ''}`;
  sendPage(ctx, {
    title: t('nav.recorders'),
    active: '/recorders',
    body,
    printable: true,
    pageId: 'recorders',
  });
}

/** `/recorders` (记录仪) and its forms. */
export const recorderRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/recorders',
    access: needs('recorders.view'),
    kind: 'page',
    handler: recordersPage,
  },
  ...recorderFormRoutes,
];
