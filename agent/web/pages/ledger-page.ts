import { ledgerTable } from '../../reports/ledger-table.ts';
import { ReportQueries } from '../../reports/report-queries.ts';
import type { TableModel } from '../../reports/table-model.ts';
import { html } from '../html.ts';
import { sendPage } from '../layout.ts';
import { optionalField } from '../request-input.ts';
import { needs, type Route } from '../router.ts';
import { reportTable, sendTableFile, type TableFileFormat } from '../table-view.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { type DayRange, dayRange } from '../zoned-dates.ts';

/** The 台账 filter of a request: recorder, officer, days (default the last 7). */
interface LedgerFilter {
  readonly serial: string | null;
  readonly officerNo: string | null;
  readonly range: DayRange;
}

function filterOf(ctx: WebContext): LedgerFilter {
  return {
    serial: optionalField(ctx.query, 'serial', 64),
    officerNo: optionalField(ctx.query, 'officer', 64),
    range: dayRange(ctx.query.get('from'), ctx.query.get('to'), ctx.rt.now(), ctx.rt.timeZone, 7),
  };
}

function filterQuery(f: LedgerFilter): string {
  const q = new URLSearchParams({ from: f.range.fromText, to: f.range.toText });
  if (f.serial) q.set('serial', f.serial);
  if (f.officerNo) q.set('officer', f.officerNo);
  return q.toString();
}

function tableOf(ctx: WebContext, f: LedgerFilter): TableModel {
  return ledgerTable(ReportQueries.of(ctx.rt.ledger), {
    from: f.range.from,
    to: f.range.to,
    ...(f.serial ? { serial: f.serial } : {}),
    ...(f.officerNo ? { officerNo: f.officerNo } : {}),
    timeZone: ctx.rt.timeZone,
  });
}

function ledgerPage(ctx: WebContext): void {
  const f = filterOf(ctx);
  const model = tableOf(ctx, f);
  const q = filterQuery(f);
  const exports = userCan(ctx, 'ledger.export')
    ? html`<p class="actions no-print"><a class="button" id="ledger-csv" href="${`/ledger.csv?${q}`}">${ctx.t(
        'ledger.csv',
      )}</a> <a class="button" id="ledger-xlsx" href="${`/ledger.xlsx?${q}`}">${ctx.t('ledger.xlsx')}</a></p>`
    : '';
  const body = html`<form method="get" action="/ledger" class="filter no-print" id="ledger-filter">
<label>${ctx.t('ledger.serial')} <input name="serial" value="${f.serial ?? ''}" maxlength="64"></label>
<label>${ctx.t('ledger.officer')} <input name="officer" value="${f.officerNo ?? ''}" maxlength="64"></label>
<label>${ctx.t('common.from')} <input type="date" name="from" value="${f.range.fromText}"></label>
<label>${ctx.t('common.to')} <input type="date" name="to" value="${f.range.toText}"></label>
<button type="submit">${ctx.t('common.filter')}</button>
</form>
${exports}
${reportTable(model, ctx.lang, ctx.rt.timeZone, ctx.t('common.noRows'))}`;
  sendPage(ctx, { title: ctx.t('nav.ledger'), active: '/ledger', body, printable: true, pageId: 'ledger' });
}

/** The access-log target of a ledger export: the filter, no personal data. */
function exportTarget(f: LedgerFilter): string {
  const parts = [`from=${f.range.fromText}`, `to=${f.range.toText}`];
  if (f.serial) parts.push(`serial=${f.serial}`);
  if (f.officerNo) parts.push(`officer=${f.officerNo}`);
  return `ledger:${parts.join(',')}`;
}

function download(format: TableFileFormat) {
  return async (ctx: WebContext) => {
    const f = filterOf(ctx);
    const model = tableOf(ctx, f);
    ctx.rt.ledger.access.log({
      username: userOf(ctx).account.username,
      action: 'ledger-export',
      target: exportTarget(f),
    });
    const span = `${f.range.fromText}_${f.range.toText}`;
    await sendTableFile(ctx, [model], format, `ledger-${span}`, `${ctx.t('ledger.fileName')}-${span}`);
  };
}

/** `/ledger` (台账) and its CSV / XLSX exports. */
export const ledgerRoutes: readonly Route[] = [
  { method: 'GET', path: '/ledger', access: needs('ledger.view'), kind: 'page', handler: ledgerPage },
  {
    method: 'GET',
    path: '/ledger.csv',
    access: needs('ledger.export'),
    kind: 'page',
    handler: download('csv'),
  },
  {
    method: 'GET',
    path: '/ledger.xlsx',
    access: needs('ledger.export'),
    kind: 'page',
    handler: download('xlsx'),
  },
];
