import { decideHeldRecorder } from '../../dock/held-recorders.ts';
import type { LiveDockView, LiveRecorder } from '../../dock/live-view.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { formatDateTime, formatPercent, formatSeconds } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { csrfField, sendPage } from '../layout.ts';
import { field } from '../request-input.ts';
import { redirect, sendJson } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { offsiteSection, spaceSection } from './lifecycle-page.ts';

/** Dock steps (agent/dock/dock-session.ts) in words; others are shown as they are. */
const STEP_LABELS: Readonly<Record<string, MessageKey>> = {
  detected: 'step.detected',
  identified: 'step.identified',
  'clock-read': 'step.clockRead',
  'clock-synced': 'step.clockSynced',
  'checked-in': 'step.checkedIn',
  mounted: 'step.mounted',
  'storage-read': 'step.storageRead',
  'mass-storage': 'step.massStorage',
  ingesting: 'step.ingesting',
  'officer-written': 'step.officerWritten',
  'officer-write-failed': 'step.officerWriteFailed',
  finished: 'step.finished',
  released: 'step.released',
  'ended-early': 'step.endedEarly',
  done: 'step.done',
};

function stepLabels(ctx: WebContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [step, key] of Object.entries(STEP_LABELS)) out[step] = ctx.t(key);
  return out;
}

/** Where a held-recorder decision returns to: the page that showed the buttons. */
function backOf(ctx: WebContext): string {
  return field(ctx.form, 'back') === '/recorders' ? '/recorders' : '/';
}

/** The accept / reject buttons of a held recorder (`serial` null: the template app.js fills in). */
export function heldActions(ctx: WebContext, serial: string | null, back: string): SafeHtml {
  const base = serial === null ? '' : `/recorders/${encodeURIComponent(serial)}`;
  const form = (decision: 'accept' | 'reject') =>
    html`<form method="post" class="inline" data-decision="${decision}" action="${base ? `${base}/${decision}` : ''}"${
      decision === 'reject' ? html` data-confirm="${ctx.t('now.rejectConfirm')}"` : ''
    }>${csrfField(ctx)}<input type="hidden" name="back" value="${back}"><button type="submit" class="${
      decision === 'reject' ? 'danger' : ''
    }">${ctx.t(decision === 'accept' ? 'now.accept' : 'now.reject')}</button></form>`;
  return html`${form('accept')} ${form('reject')}`;
}

function progressText(p: LiveRecorder['progress']): string {
  if (!p) return '';
  const eta = p.etaSeconds === null ? '' : ` · ${formatSeconds(p.etaSeconds)}`;
  return `${p.phase} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} · ${formatBytes(p.bytesPerSecond)}/s${eta}`;
}

function recorderRow(ctx: WebContext, r: LiveRecorder, manage: boolean): SafeHtml {
  const p = r.progress;
  const storage =
    r.freeBytes === null
      ? ''
      : r.totalBytes === null
        ? formatBytes(r.freeBytes)
        : `${formatBytes(r.freeBytes)} / ${formatBytes(r.totalBytes)}`;
  return html`<tr data-device-key="${r.deviceKey}" data-serial="${r.serial ?? ''}" data-held="${String(r.held)}" class="${
    r.held ? 'held' : ''
  }">
<td data-field="serial">${r.serial ?? ''}</td>
<td data-field="officer">${r.officerNo ?? ''}</td>
<td data-field="step">${r.held ? ctx.t('now.held') : (stepLabels(ctx)[r.step] ?? r.step)}</td>
<td data-field="battery" class="num">${formatPercent(r.batteryPct)}</td>
<td data-field="storage" class="num">${storage}</td>
<td data-field="files" class="num">${r.filesDone} / ${r.filesTotal}</td>
<td class="progress-cell"><progress data-field="progress" max="${p?.bytesTotal ?? 1}" value="${p?.bytesDone ?? 0}" data-bytes-done="${
    p?.bytesDone ?? 0
  }" data-bytes-total="${p?.bytesTotal ?? 0}"${p ? '' : html` hidden`}></progress> <span data-field="progress-text">${progressText(p)}</span></td>
<td data-field="actions" data-for="${r.held && r.serial && manage ? r.serial : ''}">${
    r.held && r.serial && manage ? heldActions(ctx, r.serial, '/') : ''
  }</td>
</tr>`;
}

function statusList(ctx: WebContext, view: LiveDockView): SafeHtml {
  return html`<dl class="status" id="dock-status">
<dt>${ctx.t('now.usbBus')}</dt><dd id="usb-bus">${view.usbBus}</dd>
<dt>${ctx.t('now.forwarder')}</dt><dd id="forwarder-state">${view.forwarder?.state ?? ctx.t('now.forwarderOff')}</dd>
<dt>${ctx.t('now.backlog')}</dt><dd id="forwarder-backlog">${view.forwarder ? String(view.forwarder.backlog) : ''}</dd>
<dt>${ctx.t('now.updated')}</dt><dd id="now-at">${formatDateTime(new Date(view.at), ctx.rt.timeZone)}</dd>
</dl>`;
}

async function nowPage(ctx: WebContext): Promise<void> {
  const view = ctx.rt.live();
  const manage = userCan(ctx, 'recorders.manage');
  const headers = [
    'now.serial',
    'now.officer',
    'now.step',
    'now.battery',
    'now.storage',
    'now.files',
    'now.progress',
    'now.actions',
  ] as const;
  const rows =
    view.recorders.length > 0
      ? view.recorders.map((r) => recorderRow(ctx, r, manage))
      : html`<tr class="empty"><td colspan="${headers.length}">${ctx.t('now.none')}</td></tr>`;
  const body = html`${statusList(ctx, view)}
<div class="table-scroll"><table class="data" id="now-recorders" data-poll="/api/now" data-time-zone="${
    ctx.rt.timeZone
  }" data-held-label="${ctx.t(
    'now.held',
  )}" data-step-labels="${JSON.stringify(stepLabels(ctx))}" data-empty-label="${ctx.t('now.none')}" data-poll-error="${ctx.t('now.pollError')}">
<thead><tr>${headers.map((h) => html`<th scope="col">${ctx.t(h)}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>
<p class="hint" id="poll-status" aria-live="polite"></p>
${manage ? html`<template id="held-actions-template">${heldActions(ctx, null, '/')}</template>` : ''}
${ctx.rt.lifecycle ? html`${await spaceSection(ctx, ctx.rt.lifecycle)}${offsiteSection(ctx, ctx.rt.lifecycle)}` : ''}`;
  sendPage(ctx, { title: ctx.t('nav.now'), active: '/', body, pageId: 'now' });
}

function decide(decision: 'accept' | 'reject') {
  return (ctx: WebContext) => {
    const serial = ctx.params.serial ?? '';
    decideHeldRecorder(ctx.rt.ledger, serial, decision, userOf(ctx).account.username);
    ctx.rt.onRecorderDecision?.(serial, decision);
    redirect(ctx.res, `${backOf(ctx)}?done=saved`);
  };
}

/** `/` (当前在位), its JSON for live updates, and the decisions on held recorders. */
export const nowRoutes: readonly Route[] = [
  { method: 'GET', path: '/', access: needs('now.view'), kind: 'page', handler: nowPage },
  {
    method: 'GET',
    path: '/api/now',
    access: needs('now.view'),
    kind: 'api',
    handler: (ctx) => sendJson(ctx.res, 200, ctx.rt.live()),
  },
  {
    method: 'POST',
    path: '/recorders/:serial/accept',
    access: needs('recorders.manage'),
    kind: 'page',
    handler: decide('accept'),
    formPage: backOf,
  },
  {
    method: 'POST',
    path: '/recorders/:serial/reject',
    access: needs('recorders.manage'),
    kind: 'page',
    handler: decide('reject'),
    formPage: backOf,
  },
];
