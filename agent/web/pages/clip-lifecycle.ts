import type { ClipView } from '../../ledger/access-queries.ts';
import { HOLD_GROUNDS } from '../../ledger/hold-writes.ts';
import type { CopyRecordRow } from '../../ledger/lifecycle-queries.ts';
import type { HoldRow } from '../../ledger/retention-queries.ts';
import { clipLifecycle } from '../../lifecycle/clip-lifecycle.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { postForm } from '../layout.ts';
import { userCan, type WebContext } from '../web-context.ts';

/** A hold's ground in words (R4). */
export function groundLabel(ctx: WebContext, ground: string): string {
  return ctx.t(`ground.${ground}` as MessageKey);
}

/** What a hold covers, in words. */
export function holdScope(ctx: WebContext, h: HoldRow): string {
  const tz = ctx.rt.timeZone;
  if (h.scope === 'clip') return ctx.t('hold.clip', { id: h.clipId ?? '' });
  if (h.scope === 'session') return ctx.t('hold.session', { id: h.sessionId ?? '' });
  return ctx.t('hold.recorder', {
    serial: h.serial ?? '',
    from: formatDateTime(h.from, tz),
    to: formatDateTime(h.to, tz),
  });
}

function lockText(ctx: WebContext, o: CopyRecordRow): string {
  if (o.lockKept === false) return ctx.t('life.lockNotKept');
  if (o.lockKept === null) return ctx.t('life.noLock');
  const parts = o.retainUntil
    ? [ctx.t('life.lockUntil', { until: formatDateTime(o.retainUntil, ctx.rt.timeZone) })]
    : [];
  if (o.legalHold) parts.push(ctx.t('life.legalHold'));
  return parts.join(' · ') || ctx.t('life.noLock');
}

function copyRows(ctx: WebContext, c: ClipView, offsite: readonly CopyRecordRow[], local: string): SafeHtml {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const localChecked = c.check ? formatDateTime(c.check.checkedAt, tz) : formatDateTime(c.sealedAt, tz);
  const vault = html`<tr data-copy="vault"><td>${t('life.vaultCopy')}</td><td>${t(`local.${local}` as MessageKey)}</td><td>${localChecked}</td><td></td></tr>`;
  const remote = offsite.map(
    (
      o,
    ) => html`<tr data-copy="offsite" data-result="${o.lastResult}" class="${o.lastResult === 'ok' ? '' : 'bad'}">
<td>${t('life.offsiteCopy')} · ${o.store}</td>
<td>${t(`copy.${o.lastResult}` as MessageKey)}</td>
<td>${t('life.copyState', {
      result: t(`copy.${o.lastResult}` as MessageKey),
      purpose: t(`purpose.${o.lastPurpose}` as MessageKey),
      at: formatDateTime(o.lastCheckedAt, tz),
    })}</td>
<td>${lockText(ctx, o)}</td></tr>`,
  );
  const none =
    offsite.length === 0
      ? html`<tr data-copy="offsite"><td>${t('life.offsiteCopy')}</td><td>${t('life.noCopy')}</td><td></td><td></td></tr>`
      : '';
  return html`<div class="table-scroll"><table class="data" id="clip-copies"><thead><tr><th scope="col">${t('life.copies')}</th><th scope="col">${t(
    'life.purge.status',
  )}</th><th scope="col">${t('life.lastVerified')}</th><th scope="col">${t('life.lock')}</th></tr></thead><tbody>${vault}${remote}${none}</tbody></table></div>`;
}

function holdForm(ctx: WebContext, c: ClipView): SafeHtml {
  if (!userCan(ctx, 'holds.place')) return html``;
  const t = ctx.t;
  return postForm(
    ctx,
    '/holds',
    html`<input type="hidden" name="clipId" value="${c.id}">
<label>${t('life.hold.ground')} <select name="ground">${HOLD_GROUNDS.map((g) => html`<option value="${g}">${groundLabel(ctx, g)}</option>`)}</select></label>
<label>${t('life.hold.caseName')} <input name="caseName" required maxlength="200"></label>
<label>${t('life.hold.caseNo')} <input name="caseNo" required maxlength="100" value="${c.labels?.caseNo ?? ''}"></label>
<button type="submit">${t('life.hold.place')}</button>`,
    { className: 'stacked no-print', id: 'hold-form' },
  );
}

/**
 * The clip page's lifecycle section (R2, R3, R4): retention class and end, both copies with when
 * each was last verified and its lock, the holds on it and a form to place one. Empty when dockd
 * runs without the lifecycle (tests of the page alone).
 */
export function lifecycleSection(ctx: WebContext, c: ClipView): SafeHtml {
  const life = ctx.rt.lifecycle;
  if (!life) return html``;
  const view = clipLifecycle(life.deps, c.id);
  if (!view) return html``;
  const t = ctx.t;
  const r = view.retention;
  const holds = view.holds.length
    ? html`<ul id="clip-holds">${view.holds.map(
        (h) =>
          html`<li data-hold="${h.id}">${groundLabel(ctx, h.ground)} · ${h.caseNo} · ${h.placedBy} · ${formatDateTime(
            h.placedAt,
            ctx.rt.timeZone,
          )}</li>`,
      )}</ul>`
    : html`<p>${t('life.noHolds')}</p>`;
  return html`<section id="lifecycle"><h2>${t('life.class')}</h2><dl class="facts">
<dt>${t('life.class')}</dt><dd id="clip-class" data-class="${r.retentionClass}">${t(`class.${r.retentionClass}` as MessageKey)}</dd>
<dt>${t('life.retentionEnd')}</dt><dd id="clip-retention-end">${r.end ? formatDateTime(r.end, ctx.rt.timeZone) : t('life.openCase')}</dd>
</dl>${copyRows(ctx, c, view.offsite, view.local)}<h3>${t('life.holds')}</h3>${holds}${holdForm(ctx, c)}</section>`;
}
