import { cellText } from './cell-format.ts';
import { type Lang, labelledTotals, type TableModel } from './table-model.ts';

/** Excel reads a UTF-8 file as UTF-8 (Chinese intact) only when it starts with this mark. */
const BOM = '\ufeff';
const CRLF = '\r\n';

// A cell that starts like a formula is run by spreadsheets (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will not run: text starting with = + - @ TAB or CR gets a leading '. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field per RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(text: string): string {
  const safe = guardFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** The lines of one table: title, subtitle, header, rows, totals, notes; every line as wide as the header. */
function tableLines(model: TableModel, lang: Lang, timeZone: string): string[] {
  const width = Math.max(1, model.columns.length);
  const padded = (first: string) => [first, ...Array<string>(width - 1).fill('')];
  const lines = [csvLine(padded(model.title[lang]))];
  if (model.subtitle) lines.push(csvLine(padded(model.subtitle[lang])));
  lines.push(csvLine(model.columns.map((c) => c.label[lang])));
  for (const row of model.rows) {
    lines.push(csvLine(model.columns.map((c) => cellText(c, row[c.key], lang, timeZone))));
  }
  const totals = labelledTotals(model, lang);
  if (totals) lines.push(csvLine(model.columns.map((c) => cellText(c, totals[c.key], lang, timeZone))));
  if (model.notes?.length) {
    lines.push(csvLine(padded('')));
    for (const note of model.notes) lines.push(csvLine(padded(note[lang])));
  }
  return lines;
}

/**
 * A report table as CSV for Excel: UTF-8 with a byte order mark, CRLF line ends, RFC 4180
 * quoting, the formula-injection guard on every cell, the title (and subtitle) on the first
 * lines, the totals row and the notes below the rows.
 */
export function toCsv(model: TableModel, lang: Lang, timeZone: string): string {
  return toCsvTables([model], lang, timeZone);
}

/** Several tables in one CSV file (one mark at the start), separated by an empty line. */
export function toCsvTables(models: readonly TableModel[], lang: Lang, timeZone: string): string {
  const blocks = models.map((m) => tableLines(m, lang, timeZone).join(CRLF));
  return `${BOM}${blocks.join(CRLF + CRLF)}${CRLF}`;
}
