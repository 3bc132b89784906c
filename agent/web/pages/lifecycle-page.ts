import type { HoldGround } from '../../ledger/lifecycle-events.ts';
import type { PurgeRow } from '../../ledger/purge-queries.ts';
import { backlogView } from '../../lifecycle/clip-lifecycle.ts';
import type { Lifecycle } from '../../lifecycle/lifecycle-setup.ts';
import { expiredClips } from '../../lifecycle/retention-review.ts';
import { spaceForecast } from '../../lifecycle/space-keeper.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { formatDateTime, formatSeconds } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { postForm, sendPage } from '../layout.ts';
import { field } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { NotFoundError } from '../web-errors.ts';
import { groundLabel, holdScope } from './clip-lifecycle.ts';

function lifecycleOf(ctx: WebContext): Lifecycle {
  const life = ctx.rt.lifecycle;
  if (!life) throw new NotFoundError();
  return life;
}

/** The off-site store: where, whether tamper-proof, and the backlog (clips, bytes, oldest, ETA). */
export function offsiteSection(ctx: WebContext, life: Lifecycle): SafeHtml {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const store = life.store;
  const probe = life.deps.ledger.latestProbe(store.description);
  const b = backlogView(life.deps, life.copier.status().bytesPerSecond ?? 0);
  const worm = !probe
    ? t('life.wormNever')
    : probe.outcome === 'worm'
      ? t('life.wormYes', { at: formatDateTime(probe.at, tz) })
      : t('life.wormNo', { summary: probe.summary });
  const backlog =
    !b || b.clips === 0
      ? t('life.backlogNone')
      : t('life.backlogText', {
          clips: b.clips,
          bytes: formatBytes(b.bytes),
          oldest: formatDateTime(b.oldestWaitingSince, tz),
          eta: b.etaSeconds === null ? t('life.etaUnknown') : formatSeconds(b.etaSeconds),
        });
  return html`<section id="offsite"><h2>${t('life.offsite')}</h2><dl class="facts">
<dt>${t('life.store')}</dt><dd id="offsite-store">${store.description}${
    store.offsite ? '' : html` <strong class="bad" id="not-offsite">${t('life.notOffsite')}</strong>`
  }</dd>
<dt>${t('life.worm')}</dt><dd id="offsite-worm" data-outcome="${probe?.outcome ?? ''}" class="${probe?.outcome === 'worm' ? '' : 'bad'}">${worm}</dd>
<dt>${t('life.backlog')}</dt><dd id="offsite-backlog" data-clips="${b?.clips ?? 0}">${backlog}</dd>
</dl></section>`;
}

/** The vault's use and the "full in N days" forecast. */
export async function spaceSection(ctx: WebContext, life: Lifecycle): Promise<SafeHtml> {
  const t = ctx.t;
  const f = await spaceForecast(life.deps);
  const used = f.totalBytes - f.freeBytes;
  return html`<section id="space"><h2>${t('life.space')}</h2><p id="space-use">${t('life.spaceText', {
    used: formatBytes(used),
    total: formatBytes(f.totalBytes),
    free: formatBytes(f.freeBytes),
  })}</p><p id="space-forecast" data-days="${f.daysToFull ?? ''}">${
    f.daysToFull === null ? t('life.forecastNone') : t('life.forecast', { days: f.daysToFull })
  }</p></section>`;
}

function holdsSection(ctx: WebContext, life: Lifecycle): SafeHtml {
  const t = ctx.t;
  const lift = userCan(ctx, 'holds.lift');
  const rows = life.deps.ledger
    .holds(true)
    .map(
      (h) =>
        html`<tr data-hold="${h.id}"><td>${holdScope(ctx, h)}</td><td>${groundLabel(ctx, h.ground)}</td><td>${
          userCan(ctx, 'labels.personal') ? `${h.caseName} / ` : ''
        }${h.caseNo}</td><td>${h.placedBy} · ${formatDateTime(h.placedAt, ctx.rt.timeZone)}</td><td>${
          lift
            ? postForm(
                ctx,
                `/holds/${h.id}/lift`,
                html`<input name="reason" required maxlength="500" placeholder="${t('life.hold.liftReason')}"> <button type="submit">${t(
                  'life.hold.lift',
                )}</button>`,
              )
            : ''
        }</td></tr>`,
    );
  const headers = [
    'life.hold.scope',
    'life.hold.ground',
    'life.hold.case',
    'life.hold.placed',
    'life.hold.lift',
  ] as const;
  return html`<section id="holds"><h2>${t('life.holds')}</h2>${simpleTable(
    headers.map((h) => t(h)),
    rows,
    { id: 'holds-table', empty: t('life.noHolds') },
  )}</section>`;
}

function candidatesSection(ctx: WebContext, life: Lifecycle): SafeHtml {
  const t = ctx.t;
  const confirm = userCan(ctx, 'purge.confirm');
  const tz = ctx.rt.timeZone;
  const rows = expiredClips(life.deps, 500).map(
    (c) =>
      html`<tr data-clip="${c.clipId}"><td>${
        confirm ? html`<input type="checkbox" name="clipId" value="${c.clipId}" form="purge-form">` : ''
      }</td><td><a href="${`/clips/${c.clipId}`}">${c.clipId.slice(0, 12)}</a></td><td>${formatDateTime(c.recordedAt, tz)}</td><td>${t(
        `class.${c.retention.retentionClass}` as MessageKey,
      )}</td><td>${formatDateTime(c.retention.end, tz)}</td><td class="num">${formatBytes(c.size)}</td></tr>`,
  );
  const form = confirm
    ? postForm(
        ctx,
        '/purges',
        html`<label>${t('life.purgeReason')} <input name="reason" required maxlength="500"></label> <button type="submit" class="danger">${t(
          'life.purgeConfirm',
        )}</button>`,
        { id: 'purge-form', confirm: t('life.purgeConfirmAsk'), className: 'no-print' },
      )
    : '';
  return html`<section id="candidates"><h2>${t('life.candidates')}</h2>${simpleTable(
    ['', t('clip.title'), t('clip.recording'), t('life.class'), t('life.retentionEnd'), t('clips.size')],
    rows,
    { id: 'candidates-table', empty: t('life.noCandidates') },
  )}${rows.length > 0 ? form : ''}</section>`;
}

function purgeActions(ctx: WebContext, p: PurgeRow): SafeHtml {
  const t = ctx.t;
  const approve =
    p.status === 'requested' && p.needsApproval && userCan(ctx, 'purge.approve')
      ? postForm(
          ctx,
          `/purges/${p.id}/approve`,
          html`<button type="submit">${t('life.purge.approve')}</button>`,
        )
      : '';
  const open =
    ['requested', 'approved', 'recoverable'].includes(p.status) &&
    !p.deletions.some((d) => d.result === 'deleted');
  const undo =
    open && userCan(ctx, 'purge.confirm')
      ? postForm(
          ctx,
          `/purges/${p.id}/undo`,
          html`<input name="reason" required maxlength="500" placeholder="${t('life.purge.undoReason')}"> <button type="submit">${t(
            'life.purge.undo',
          )}</button>`,
        )
      : '';
  return html`${approve}${undo}`;
}

function purgesSection(ctx: WebContext, life: Lifecycle): SafeHtml {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const rows = life.deps.ledger
    .purges(100)
    .map(
      (p) =>
        html`<tr data-purge="${p.id}" data-status="${p.status}"><td>${t(`purge.${p.status}` as MessageKey)}</td><td class="num">${
          p.clipIds.length
        }</td><td class="num">${formatBytes(p.bytes)}</td><td>${p.requestedBy} · ${formatDateTime(p.requestedAt, tz)}</td><td>${
          p.needsApproval ? (p.approvedBy ?? t('life.purge.needsApproval')) : t('life.purge.noApproval')
        }</td><td>${formatDateTime(p.graceUntil, tz)}</td><td>${purgeActions(ctx, p)}</td></tr>`,
    );
  const headers = [
    t('life.purge.status'),
    t('life.purge.clips'),
    t('clips.size'),
    t('life.purge.requested'),
    t('life.purge.approval'),
    t('life.purge.grace'),
    '',
  ];
  return html`<section id="purges"><h2>${t('life.purges')}</h2>${simpleTable(headers, rows, {
    id: 'purges-table',
    empty: t('life.noPurges'),
  })}</section>`;
}

async function lifecyclePage(ctx: WebContext): Promise<void> {
  const life = lifecycleOf(ctx);
  const body = html`${offsiteSection(ctx, life)}${await spaceSection(ctx, life)}${holdsSection(ctx, life)}${candidatesSection(
    ctx,
    life,
  )}${purgesSection(ctx, life)}`;
  sendPage(ctx, { title: ctx.t('life.title'), active: '/lifecycle', body, pageId: 'lifecycle' });
}

const back = (ctx: WebContext) => {
  const clipId = field(ctx.form, 'clipId');
  return /^[0-9a-f]{32}$/.test(clipId) && ctx.path === '/holds' ? `/clips/${clipId}` : '/lifecycle';
};

async function placeHold(ctx: WebContext): Promise<void> {
  const life = lifecycleOf(ctx);
  life.deps.ledger.placeHold({
    scope: 'clip',
    clipId: field(ctx.form, 'clipId', 64),
    ground: field(ctx.form, 'ground', 20) as HoldGround,
    caseName: field(ctx.form, 'caseName', 200),
    caseNo: field(ctx.form, 'caseNo', 100),
    placedBy: userOf(ctx).account.username,
  });
  void life.jobs.settle(); // the legal hold off-site, verified
  redirect(ctx.res, `${back(ctx)}?done=saved`);
}

async function liftHold(ctx: WebContext): Promise<void> {
  const life = lifecycleOf(ctx);
  life.deps.ledger.liftHold({
    holdId: ctx.params.id ?? '',
    liftedBy: userOf(ctx).account.username,
    reason: field(ctx.form, 'reason', 500),
  });
  void life.jobs.settle();
  redirect(ctx.res, '/lifecycle?done=saved');
}

async function confirmPurge(ctx: WebContext): Promise<void> {
  const life = lifecycleOf(ctx);
  const clipIds = ctx.form.getAll('clipId').filter((id) => /^[0-9a-f]{32}$/.test(id));
  await life.jobs.purges.request({
    clipIds,
    by: userOf(ctx).account.username,
    reason: field(ctx.form, 'reason', 500),
  });
  redirect(ctx.res, '/lifecycle?done=saved');
}

async function decidePurge(ctx: WebContext, action: 'approve' | 'undo'): Promise<void> {
  const life = lifecycleOf(ctx);
  const purgeId = ctx.params.id ?? '';
  const by = userOf(ctx).account.username;
  if (action === 'approve') await life.jobs.purges.approve({ purgeId, by });
  else await life.jobs.purges.undo({ purgeId, by, reason: field(ctx.form, 'reason', 500) });
  redirect(ctx.res, '/lifecycle?done=saved');
}

/** `/lifecycle` (保存与清理): off-site copy, space, holds, purge candidates and purges, and their forms. */
export const lifecycleRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/lifecycle',
    access: needs('lifecycle.view'),
    kind: 'page',
    handler: lifecyclePage,
  },
  {
    method: 'POST',
    path: '/holds',
    access: needs('holds.place'),
    kind: 'page',
    handler: placeHold,
    formPage: back,
  },
  {
    method: 'POST',
    path: '/holds/:id/lift',
    access: needs('holds.lift'),
    kind: 'page',
    handler: liftHold,
    formPage: () => '/lifecycle',
  },
  {
    method: 'POST',
    path: '/purges',
    access: needs('purge.confirm'),
    kind: 'page',
    handler: confirmPurge,
    formPage: () => '/lifecycle',
  },
  {
    method: 'POST',
    path: '/purges/:id/approve',
    access: needs('purge.approve'),
    kind: 'page',
    handler: (ctx) => decidePurge(ctx, 'approve'),
    formPage: () => '/lifecycle',
  },
  {
    method: 'POST',
    path: '/purges/:id/undo',
    access: needs('purge.confirm'),
    kind: 'page',
    handler: (ctx) => decidePurge(ctx, 'undo'),
    formPage: () => '/lifecycle',
  },
];
