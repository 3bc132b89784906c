import { buildReport, REPORT_NAMES, type ReportName } from '../../reports/report-catalog.ts';
import { ReportQueries } from '../../reports/report-queries.ts';
import type { TableModel } from '../../reports/table-model.ts';
import { html } from '../html.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { sendPage } from '../layout.ts';
import { needs, type Route } from '../router.ts';
import { reportTable, sendTableFile, type TableFileFormat } from '../table-view.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { zonedYear } from '../zoned-dates.ts';

const REPORT_LABELS: Readonly<Record<ReportName, MessageKey>> = {
  inventory: 'reports.inventory',
  handover: 'reports.handover',
  statistics: 'reports.statistics',
};

interface ReportChoice {
  readonly name: ReportName;
  readonly year: number;
  readonly thisYear: number;
}

function choiceOf(ctx: WebContext): ReportChoice {
  const thisYear = zonedYear(ctx.rt.now(), ctx.rt.timeZone);
  const yearText = ctx.query.get('year') ?? '';
  const year = yearText === '' ? thisYear : Number(yearText);
  if (!/^\d{4}$/.test(yearText || String(thisYear)) || year < 2000 || year > thisYear + 1)
    throw new BadRequestError(ctx.t('reports.badYear'));
  const nameText = ctx.query.get('name') ?? 'inventory';
  const name = (REPORT_NAMES as readonly string[]).includes(nameText) ? (nameText as ReportName) : null;
  if (!name) throw new BadRequestError(ctx.t('reports.badName'));
  return { name, year, thisYear };
}

function modelsOf(ctx: WebContext, c: ReportChoice): TableModel[] {
  return buildReport(ReportQueries.of(ctx.rt.ledger), c.name, {
    year: c.year,
    at: ctx.rt.now(),
    timeZone: ctx.rt.timeZone,
  });
}

function logReport(ctx: WebContext, c: ReportChoice, how: string): void {
  ctx.rt.ledger.access.log({
    username: userOf(ctx).account.username,
    action: 'report',
    target: `report:${c.name}:${c.year}:${how}`,
  });
}

function reportsPage(ctx: WebContext): void {
  const t = ctx.t;
  const c = choiceOf(ctx);
  const models = modelsOf(ctx, c);
  logReport(ctx, c, 'view');
  const years = [];
  for (let y = c.thisYear; y >= c.thisYear - 10; y--) years.push(y);
  const q = new URLSearchParams({ name: c.name, year: String(c.year) }).toString();
  const tabs = REPORT_NAMES.map(
    (n) =>
      html`<a href="${`/reports?${new URLSearchParams({ name: n, year: String(c.year) })}`}"${
        n === c.name ? html` aria-current="page"` : ''
      }>${t(REPORT_LABELS[n])}</a>`,
  );
  const body = html`<nav class="tabs no-print" id="report-tabs">${tabs}</nav>
<form method="get" action="/reports" class="filter no-print" id="report-filter">
<input type="hidden" name="name" value="${c.name}">
<label>${t('reports.year')} <select name="year">${years.map(
    (y) => html`<option value="${y}"${y === c.year ? html` selected` : ''}>${y}</option>`,
  )}</select></label>
<button type="submit">${t('common.show')}</button>
</form>
<p class="actions no-print"><a class="button" id="report-csv" href="${`/reports.csv?${q}`}">${t('ledger.csv')}</a>
<a class="button" id="report-xlsx" href="${`/reports.xlsx?${q}`}">${t('ledger.xlsx')}</a></p>
${models.map((m) => reportTable(m, ctx.lang, ctx.rt.timeZone, t('common.noRows')))}`;
  sendPage(ctx, {
    title: `${t(REPORT_LABELS[c.name])} ${c.year}`,
    active: '/reports',
    body,
    printable: true,
    pageId: 'reports',
  });
}

function download(format: TableFileFormat) {
  return async (ctx: WebContext) => {
    const c = choiceOf(ctx);
    const models = modelsOf(ctx, c);
    logReport(ctx, c, format);
    await sendTableFile(
      ctx,
      models,
      format,
      `${c.name}-${c.year}`,
      `${ctx.t(REPORT_LABELS[c.name])}-${c.year}`,
    );
  };
}

/** `/reports` (报表): yearly inventory, handover and statistics (R8, R12), on the page and as files. */
export const reportRoutes: readonly Route[] = [
  { method: 'GET', path: '/reports', access: needs('reports.view'), kind: 'page', handler: reportsPage },
  {
    method: 'GET',
    path: '/reports.csv',
    access: needs('reports.view'),
    kind: 'page',
    handler: download('csv'),
  },
  {
    method: 'GET',
    path: '/reports.xlsx',
    access: needs('reports.view'),
    kind: 'page',
    handler: download('xlsx'),
  },
];
