import { cellText, PAGE_EMPTY } from '../reports/cell-format.ts';
import { toCsvTables } from '../reports/csv.ts';
import { type CellType, labelledTotals, type TableModel } from '../reports/table-model.ts';
import { toXlsxWorkbook } from '../reports/xlsx.ts';
import { type HtmlValue, html, type SafeHtml } from './html.ts';
import type { WebLang } from './i18n/messages.ts';
import { downloadHeaders } from './responses.ts';
import type { WebContext } from './web-context.ts';

const NUMERIC: ReadonlySet<CellType> = new Set(['int', 'bytes', 'hours', 'percent']);

/** A REPORTS table model as an HTML table (printable), cells formatted in the dock's time zone. */
export function reportTable(model: TableModel, lang: WebLang, timeZone: string, emptyText: string): SafeHtml {
  const head = model.columns.map(
    (c) => html`<th scope="col" class="${NUMERIC.has(c.type) ? 'num' : ''}">${c.label[lang]}</th>`,
  );
  const row = (values: Readonly<Record<string, string | number | null>>, tag: 'td' | 'th' = 'td') =>
    model.columns.map((c) => {
      const text = cellText(c, values[c.key], lang, timeZone, PAGE_EMPTY);
      const cls = NUMERIC.has(c.type) ? 'num' : '';
      return tag === 'th' ? html`<th class="${cls}">${text}</th>` : html`<td class="${cls}">${text}</td>`;
    });
  const body =
    model.rows.length === 0
      ? html`<tr class="empty"><td colspan="${model.columns.length}">${emptyText}</td></tr>`
      : model.rows.map((r) => html`<tr>${row(r)}</tr>`);
  const totals = labelledTotals(model, lang);
  return html`<section class="report" data-table="${model.name}">
<h2>${model.title[lang]}</h2>
${model.subtitle ? html`<p class="subtitle">${model.subtitle[lang]}</p>` : ''}
<div class="table-scroll"><table class="data">
<thead><tr>${head}</tr></thead>
<tbody>${body}</tbody>
${totals ? html`<tfoot><tr>${row(totals, 'th')}</tr></tfoot>` : ''}
</table></div>
${model.notes?.length ? html`<ul class="notes">${model.notes.map((n) => html`<li>${n[lang]}</li>`)}</ul>` : ''}
</section>`;
}

/** A simple table from headers and already formatted cells (the page's own lists). */
export function simpleTable(
  headers: readonly string[],
  rows: readonly SafeHtml[],
  opts: { id?: string; empty: string; className?: string },
): SafeHtml {
  const body: HtmlValue =
    rows.length > 0 ? rows : html`<tr class="empty"><td colspan="${headers.length}">${opts.empty}</td></tr>`;
  return html`<div class="table-scroll"><table class="data ${opts.className ?? ''}"${
    opts.id ? html` id="${opts.id}"` : ''
  }><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A file format the ledger and the reports download in. */
export type TableFileFormat = 'csv' | 'xlsx';

const TABLE_FILE_TYPES: Record<TableFileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Send report tables as one CSV or XLSX attachment, named `<asciiBase>.<format>` with the
 * localised `<localBase>.<format>` for browsers that read RFC 5987 names.
 */
export async function sendTableFile(
  ctx: WebContext,
  models: readonly TableModel[],
  format: TableFileFormat,
  asciiBase: string,
  localBase: string,
): Promise<void> {
  const body =
    format === 'csv'
      ? Buffer.from(toCsvTables(models, ctx.lang, ctx.rt.timeZone), 'utf8')
      : await toXlsxWorkbook(models, ctx.lang, ctx.rt.timeZone);
  ctx.res.writeHead(
    200,
    downloadHeaders(
      TABLE_FILE_TYPES[format],
      `${asciiBase}.${format}`,
      `${localBase}.${format}`,
      body.length,
    ),
  );
  ctx.res.end(body);
}
