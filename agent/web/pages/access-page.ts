import type { AccessRequestRecord } from '../../ledger/access-records.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { field, optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { namer } from '../things-named.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { accountChangeRoutes, pendingChanges } from './account-changes-section.ts';

/** The requested clips as people know them: recorder, officer, recording time and file name. */
function clipLinks(ctx: WebContext, r: AccessRequestRecord): SafeHtml {
  const n = namer(ctx.rt.ledger, ctx.t, ctx.rt.timeZone);
  return html`<ul class="clip-list">${r.clipIds.map((id) => html`<li><a href="${`/clips/${id}`}">${n.clipById(id)}</a></li>`)}</ul>`;
}

function statusCell(ctx: WebContext, r: AccessRequestRecord): string {
  const now = ctx.rt.now().getTime();
  if (r.status === 'approved' && r.expiresAt && r.expiresAt.getTime() <= now) return ctx.t('request.expired');
  return ctx.t(`request.${r.status}` as const);
}

function exportForm(ctx: WebContext, r: AccessRequestRecord): SafeHtml | '' {
  const live =
    r.status === 'approved' && r.expiresAt !== null && r.expiresAt.getTime() > ctx.rt.now().getTime();
  if (!live || r.purpose !== 'export' || !userCan(ctx, 'exports.create')) return '';
  return postForm(
    ctx,
    '/exports',
    html`<input type="hidden" name="requestId" value="${r.id}"><input name="caseNo" maxlength="64" placeholder="${ctx.t(
      'clips.caseNo',
    )}"> <button type="submit">${ctx.t('access.makeExport')}</button>`,
    { className: 'inline export-form', data: { request: r.id } },
  );
}

function myRequests(ctx: WebContext, username: string): SafeHtml {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const rows = ctx.rt.ledger.accessQueries
    .accessRequests({ requestedBy: username })
    .map(
      (r) =>
        html`<tr data-request="${r.id}" data-status="${r.status}"><td>${formatDateTime(r.requestedAt, tz)}</td><td>${clipLinks(ctx, r)}</td><td>${t(`purpose.${r.purpose}` as const)}</td><td>${r.reason}</td><td>${statusCell(ctx, r)}</td><td>${
          r.decidedBy ? namer(ctx.rt.ledger, ctx.t, ctx.rt.timeZone).account(r.decidedBy) : ''
        }</td><td>${r.decisionNote ?? ''}</td><td>${formatDateTime(r.expiresAt, tz)}</td><td class="no-print">${exportForm(ctx, r)}</td></tr>`,
    );
  return html`<section id="my-requests"><h2>${t('access.mine')}</h2>${simpleTable(
    [
      t('access.requestedAt'),
      t('access.clips'),
      t('access.purpose'),
      t('access.reason'),
      t('access.status'),
      t('access.decidedBy'),
      t('common.note'),
      t('access.expires'),
      '',
    ],
    rows,
    { id: 'my-request-table', empty: t('access.noneMine') },
  )}</section>`;
}

function pendingRequests(ctx: WebContext, username: string): SafeHtml {
  const t = ctx.t;
  const pending = ctx.rt.ledger.accessQueries
    .accessRequests({ status: 'pending' })
    .filter((r) => r.requestedBy !== username);
  const rows = pending.map(
    (r) =>
      html`<tr data-request="${r.id}"><td>${formatDateTime(r.requestedAt, ctx.rt.timeZone)}</td><td>${namer(
        ctx.rt.ledger,
        ctx.t,
        ctx.rt.timeZone,
      ).account(
        r.requestedBy,
      )}</td><td>${clipLinks(ctx, r)}</td><td>${t(`purpose.${r.purpose}` as const)}</td><td>${r.reason}</td><td class="no-print">${postForm(
        ctx,
        `/access/${encodeURIComponent(r.id)}/decide`,
        html`<input name="note" maxlength="500" placeholder="${t('common.note')}">
<label>${t('access.validHours')} <input name="hours" type="number" min="1" max="2160" value="72" size="4"></label>
<button type="submit" name="decision" value="approved">${t('access.approve')}</button>
<button type="submit" name="decision" value="denied" class="danger">${t('access.deny')}</button>`,
        { className: 'inline decide-form', data: { request: r.id } },
      )}</td></tr>`,
  );
  return html`<section id="pending-requests"><h2>${t('access.pending')}</h2>${simpleTable(
    [
      t('access.requestedAt'),
      t('access.requestedBy'),
      t('access.clips'),
      t('access.purpose'),
      t('access.reason'),
      '',
    ],
    rows,
    { id: 'pending-request-table', empty: t('access.nonePending') },
  )}</section>`;
}

function accessPage(ctx: WebContext): void {
  const username = userOf(ctx).account.username;
  const body = html`<p class="hint">${ctx.t('access.hint')}</p>
${userCan(ctx, 'accounts.confirm') ? pendingChanges(ctx, 'decide') : ''}
${userCan(ctx, 'footage.decide') ? pendingRequests(ctx, username) : ''}
${userCan(ctx, 'footage.request') ? myRequests(ctx, username) : ''}`;
  sendPage(ctx, { title: ctx.t('nav.access'), active: '/access', body, pageId: 'access' });
}

function decide(ctx: WebContext): void {
  const decision = field(ctx.form, 'decision', 10);
  if (decision !== 'approved' && decision !== 'denied')
    throw new BadRequestError(ctx.t('access.badDecision'));
  const hoursText = field(ctx.form, 'hours', 10) || '72';
  const hours = Number(hoursText);
  if (!/^\d+$/.test(hoursText) || hours < 1 || hours > 2160)
    throw new BadRequestError(ctx.t('access.badHours'));
  ctx.rt.ledger.access.decideAccess({
    requestId: ctx.params.id ?? '',
    decision,
    decidedBy: userOf(ctx).account.username,
    note: optionalField(ctx.form, 'note', 500),
    validForHours: hours,
  });
  redirect(ctx.res, '/access?done=decided');
}

function startExport(ctx: WebContext): void {
  const username = userOf(ctx).account.username;
  const requestId = field(ctx.form, 'requestId', 64);
  const r = ctx.rt.ledger.accessQueries.accessRequest(requestId);
  const live =
    r?.status === 'approved' && r.expiresAt !== null && r.expiresAt.getTime() > ctx.rt.now().getTime();
  if (!r || r.requestedBy !== username || r.purpose !== 'export' || !live)
    throw new BadRequestError(ctx.t('access.noExportApproval'));
  ctx.rt.exportJobs.start({ requestId, createdBy: username, caseNo: optionalField(ctx.form, 'caseNo', 64) });
  redirect(ctx.res, '/exports?done=exporting');
}

const BACK = () => '/access';

/** `/access` (调阅审批): my requests, others' pending requests to decide, starting an export. */
export const accessRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/access',
    access: needs('footage.request', 'footage.decide'),
    kind: 'page',
    handler: accessPage,
  },
  {
    method: 'POST',
    path: '/access/:id/decide',
    access: needs('footage.decide'),
    kind: 'page',
    handler: decide,
    formPage: BACK,
  },
  {
    method: 'POST',
    path: '/exports',
    access: needs('exports.create'),
    kind: 'page',
    handler: startExport,
    formPage: BACK,
  },
  ...accountChangeRoutes,
];
