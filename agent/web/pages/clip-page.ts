import { clipSearchScope, footageAccess } from '../../access/footage-policy.ts';
import type { ClipView } from '../../ledger/access-queries.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { formatDateTime, formatSeconds } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { needs, type Route } from '../router.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { NotFoundError } from '../web-errors.ts';
import { lifecycleSection } from './clip-lifecycle.ts';

/** Clip ids are the first 32 hex digits of a SHA-256. */
export const CLIP_ID_PATTERN = /^[0-9a-f]{32}$/;

/** The clip of `:id`, or 404: malformed, unknown, or outside the user's search scope and approvals. */
export function visibleClip(ctx: WebContext): ClipView {
  const id = ctx.params.id ?? '';
  if (!CLIP_ID_PATTERN.test(id)) throw new NotFoundError();
  const clip = ctx.rt.ledger.accessQueries.clip(id);
  if (!clip) throw new NotFoundError();
  const account = userOf(ctx).account;
  const scope = clipSearchScope(account);
  const inScope = scope === 'all' || (typeof scope === 'object' && clip.officerNo === scope.officerNo);
  if (!inScope && !footageAccess(ctx.rt.ledger, account, id, 'view', ctx.rt.now()).allowed)
    throw new NotFoundError();
  return clip;
}

function timeSourceOf(ctx: WebContext, clipId: string): string | null {
  for (const ev of ctx.rt.ledger.accessQueries.eventsForClips([clipId])) {
    try {
      const parsed = JSON.parse(ev.body) as { type?: string; data?: { timeSource?: unknown } };
      if (parsed.type === 'clip.timed' && typeof parsed.data?.timeSource === 'string')
        return parsed.data.timeSource;
    } catch {
      // A body the chain holds is canonical JSON; a broken one is verify's business, not the page's.
    }
  }
  return null;
}

function timeSourceLabel(ctx: WebContext, source: string | null): string {
  if (source === 'mvhd' || source === 'filename' || source === 'mtime') return ctx.t(`timeSource.${source}`);
  return source ?? ctx.t('clip.unknown');
}

function sealSection(ctx: WebContext, c: ClipView): SafeHtml {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const source = timeSourceOf(ctx, c.id);
  const row = (label: string, value: string, id?: string) =>
    html`<dt>${label}</dt><dd${id ? html` id="${id}"` : ''}>${value}</dd>`;
  return html`<section id="seal"><h2>${t('clip.seal')}</h2><dl class="facts">
${row(t('now.serial'), c.serial)}
${row(t('common.officerNo'), c.officerNo ?? '')}
${row(t('clip.sourcePath'), c.sourcePath)}
${row(t('clip.recording'), `${formatDateTime(c.recordingStart, tz)} – ${formatDateTime(c.recordingEnd, tz)}`)}
${row(t('clips.duration'), formatSeconds(c.durationMs === null ? null : c.durationMs / 1000))}
${row(t('clip.timeSource'), timeSourceLabel(ctx, source))}
${row('SHA-256', c.sha256, 'clip-sha256')}
${row(t('clips.size'), `${formatBytes(c.size)} (${c.size} B)`, 'clip-size')}
${row(t('clip.sealedAt'), formatDateTime(c.sealedAt, tz))}
${row(t('clip.vaultRel'), c.vaultRel, 'clip-vault')}
${row(t('clip.verifiedBy'), c.verifiedBy)}
${row(t('clip.sealSeq'), String(c.sealSeq), 'clip-seal-seq')}
${row(t('clip.flags'), c.flags.map((f) => (f === 'late' ? t('clips.late') : f)).join(', '))}
</dl></section>`;
}

function checkSection(ctx: WebContext, c: ClipView): SafeHtml {
  const t = ctx.t;
  const running = ctx.rt.clipChecks.isRunning(c.id);
  const state = c.check
    ? t('clip.checkState', {
        result: t(`check.${c.check.result}` as const),
        at: formatDateTime(c.check.checkedAt, ctx.rt.timeZone),
        by: c.check.checkedBy ?? '',
      })
    : t('check.never');
  return html`<section id="verification"${running ? html` data-refresh="2"` : ''}><h2>${t('clip.verification')}</h2>
<p id="check-state" class="${c.check && c.check.result !== 'ok' ? 'bad' : ''}" data-result="${c.check?.result ?? ''}">${state}</p>
${
  running
    ? html`<p class="hint" id="check-running">${t('clip.checkRunning')}</p>`
    : postForm(ctx, `/clips/${c.id}/check`, html`<button type="submit">${t('clip.verifyNow')}</button>`, {
        className: 'no-print',
        id: 'verify-form',
      })
}</section>`;
}

function labelSection(ctx: WebContext, c: ClipView): SafeHtml {
  const t = ctx.t;
  const l = c.labels;
  const personal = userCan(ctx, 'labels.personal');
  const shown = html`<dl class="facts">
<dt>${t('clips.caseNo')}</dt><dd id="label-case">${l?.caseNo ?? ''}</dd>
${personal ? html`<dt>${t('clip.party')}</dt><dd id="label-party">${l?.party ?? ''}</dd>` : ''}
<dt>${t('clip.officerInCharge')}</dt><dd>${l?.officerInCharge ?? ''}</dd>
<dt>${t('clips.important')}</dt><dd>${l?.important ? t('common.yes') : t('common.no')}</dd>
${l ? html`<dt>${t('clip.labelledBy')}</dt><dd>${l.labelledBy} · ${formatDateTime(l.labelledAt, ctx.rt.timeZone)}</dd>` : ''}
</dl>`;
  const form = userCan(ctx, 'clips.label')
    ? postForm(
        ctx,
        `/clips/${c.id}/labels`,
        html`<label>${t('clips.caseNo')} <input name="caseNo" value="${l?.caseNo ?? ''}" maxlength="100"></label>
${personal ? html`<label>${t('clip.party')} <input name="party" value="${l?.party ?? ''}" maxlength="200"></label>` : ''}
<label>${t('clip.officerInCharge')} <input name="officerInCharge" value="${l?.officerInCharge ?? ''}" maxlength="100"></label>
<label><input type="checkbox" name="important" value="1"${l?.important ? html` checked` : ''}> ${t('clip.importantR2')}</label>
<button type="submit">${t('common.save')}</button>`,
        { className: 'stacked no-print', id: 'label-form' },
      )
    : '';
  return html`<section id="labels"><h2>${t('clip.labels')}</h2>${shown}${form}</section>`;
}

function footageSection(ctx: WebContext, c: ClipView): SafeHtml {
  const t = ctx.t;
  const account = userOf(ctx).account;
  const at = ctx.rt.now();
  const view = footageAccess(ctx.rt.ledger, account, c.id, 'view', at);
  const exp = footageAccess(ctx.rt.ledger, account, c.id, 'export', at);
  const mine = ctx.rt.ledger.accessQueries
    .accessRequests({ requestedBy: account.username })
    .filter((r) => r.clipIds.includes(c.id));
  const requests = mine.length
    ? html`<ul class="requests">${mine.map(
        (r) =>
          html`<li data-request="${r.id}">${t(`purpose.${r.purpose}` as const)} · ${t(`request.${r.status}` as const)}${
            r.expiresAt ? ` · ${t('access.until', { at: formatDateTime(r.expiresAt, ctx.rt.timeZone) })}` : ''
          }</li>`,
      )}</ul>`
    : '';
  const player = view.allowed
    ? html`<video id="clip-video" controls preload="metadata" src="${`/clips/${c.id}/video`}"></video>`
    : '';
  const download = exp.allowed
    ? html`<p><a class="button" id="clip-download" href="${`/clips/${c.id}/download`}">${t('clip.download')}</a></p>`
    : '';
  const ask =
    (!view.allowed || !exp.allowed) && userCan(ctx, 'footage.request')
      ? postForm(
          ctx,
          '/access-requests',
          html`<h3>${t('clip.requestAccess')}</h3><input type="hidden" name="clipId" value="${c.id}">
<label>${t('access.purpose')} <select name="purpose"><option value="view">${t('purpose.view')}</option><option value="export">${t(
            'purpose.export',
          )}</option></select></label>
<label>${t('access.reason')} <textarea name="reason" required maxlength="1000" rows="2"></textarea></label>
<button type="submit">${t('clip.sendRequest')}</button>`,
          { className: 'stacked no-print', id: 'request-form' },
        )
      : '';
  const note = view.allowed
    ? html`<p class="hint">${t('clip.viewLogged')}</p>`
    : html`<p class="hint">${t('clip.noFootage')}</p>`;
  return html`<section id="footage"><h2>${t('clip.footage')}</h2>${player}${note}${download}${requests}${ask}</section>`;
}

function clipPage(ctx: WebContext): void {
  const clip = visibleClip(ctx);
  const body = html`<p class="no-print"><a href="/clips">${ctx.t('clip.back')}</a></p>
${sealSection(ctx, clip)}${checkSection(ctx, clip)}${labelSection(ctx, clip)}${lifecycleSection(ctx, clip)}${footageSection(ctx, clip)}`;
  sendPage(ctx, {
    title: `${ctx.t('clip.title')} ${clip.id.slice(0, 12)}`,
    active: '/clips',
    body,
    printable: true,
    pageId: 'clip',
  });
}

/** `/clips/:id`: a clip's seal, verification, labels and footage (or the request form). */
export const clipPageRoutes: readonly Route[] = [
  { method: 'GET', path: '/clips/:id', access: needs('clips.search'), kind: 'page', handler: clipPage },
];
