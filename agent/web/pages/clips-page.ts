import { clipSearchScope } from '../../access/footage-policy.ts';
import type { ClipSearch, ClipView } from '../../ledger/access-queries.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { formatDateTime, formatSeconds } from '../display-format.ts';
import { html } from '../html.ts';
import { sendPage } from '../layout.ts';
import { optionalField } from '../request-input.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { nextZonedDay, parseZonedDay } from '../zoned-dates.ts';
import { clipActionRoutes } from './clip-actions.ts';
import { clipFootageRoutes } from './clip-footage.ts';
import { clipPageRoutes } from './clip-page.ts';

/** The file name part of a recorder path, for lists. */
export function fileNameOf(sourcePath: string): string {
  return sourcePath.split(/[/\\]/).pop() ?? sourcePath;
}

function dayParam(ctx: WebContext, name: string): Date | null {
  const text = ctx.query.get(name)?.trim() ?? '';
  if (text === '') return null;
  const day = parseZonedDay(text, ctx.rt.timeZone);
  if (!day) throw new BadRequestError(ctx.t('error.date'));
  return day;
}

function checkText(ctx: WebContext, c: ClipView): string {
  return c.check ? ctx.t(`check.${c.check.result}` as const) : ctx.t('check.never');
}

function clipsPage(ctx: WebContext): void {
  const t = ctx.t;
  const scope = clipSearchScope(userOf(ctx).account);
  const own = typeof scope === 'object';
  const officer = own ? scope.officerNo : optionalField(ctx.query, 'officer', 32);
  const serial = optionalField(ctx.query, 'serial', 64);
  const caseNo = optionalField(ctx.query, 'caseNo', 100);
  const from = dayParam(ctx, 'from');
  const toDay = dayParam(ctx, 'to');
  const q: ClipSearch = {
    ...(officer ? { officerNo: officer } : {}),
    ...(serial ? { serial } : {}),
    ...(caseNo ? { caseNo } : {}),
    ...(from ? { from } : {}),
    ...(toDay ? { to: nextZonedDay(toDay, ctx.rt.timeZone) } : {}),
    importantOnly: ctx.query.get('important') === '1',
    limit: 200,
  };
  const clips = scope === 'none' ? [] : ctx.rt.ledger.accessQueries.searchClips(q);
  const tz = ctx.rt.timeZone;
  const rows = clips.map(
    (c) =>
      html`<tr data-clip="${c.id}"><td><a href="${`/clips/${c.id}`}">${formatDateTime(
        c.recordingStart ?? c.sealedAt,
        tz,
      )}</a></td><td>${c.serial}</td><td>${c.officerNo ?? ''}</td><td>${fileNameOf(c.sourcePath)}</td><td class="num">${formatSeconds(
        c.durationMs === null ? null : c.durationMs / 1000,
      )}</td><td class="num">${formatBytes(c.size)}</td><td>${c.labels?.caseNo ?? ''}</td><td>${
        c.labels?.important ? t('clips.important') : ''
      }</td><td>${c.flags.includes('late') ? t('clips.late') : ''}</td><td>${checkText(ctx, c)}</td></tr>`,
  );
  const v = (name: string) => ctx.query.get(name) ?? '';
  const body = html`<form method="get" action="/clips" class="filter no-print" id="clip-search">
${own ? html`<p class="hint">${t('clips.ownOnly', { officer: officer ?? '' })}</p>` : html`<label>${t('common.officerNo')} <input name="officer" value="${officer ?? ''}" maxlength="32"></label>`}
<label>${t('now.serial')} <input name="serial" value="${serial ?? ''}" maxlength="64"></label>
<label>${t('clips.caseNo')} <input name="caseNo" value="${caseNo ?? ''}" maxlength="100"></label>
<label>${t('common.from')} <input type="date" name="from" value="${v('from')}"></label>
<label>${t('common.to')} <input type="date" name="to" value="${v('to')}"></label>
<label><input type="checkbox" name="important" value="1"${q.importantOnly ? html` checked` : ''}> ${t('clips.importantOnly')}</label>
<button type="submit">${t('common.search')}</button>
</form>
${scope === 'none' ? html`<p class="flash error">${t('clips.noScope')}</p>` : ''}
${simpleTable(
  [
    t('clips.recordedAt'),
    t('now.serial'),
    t('common.officerNo'),
    t('clips.file'),
    t('clips.duration'),
    t('clips.size'),
    t('clips.caseNo'),
    t('clips.important'),
    t('clips.late'),
    t('clips.check'),
  ],
  rows,
  { id: 'clip-table', empty: t('clips.none') },
)}`;
  sendPage(ctx, { title: t('nav.clips'), active: '/clips', body, printable: true, pageId: 'clips' });
}

/** `/clips` (音像资料): search, a clip's page, its actions and its footage. */
export const clipRoutes: readonly Route[] = [
  { method: 'GET', path: '/clips', access: needs('clips.search'), kind: 'page', handler: clipsPage },
  ...clipPageRoutes,
  ...clipActionRoutes,
  ...clipFootageRoutes,
];
