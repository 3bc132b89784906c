import type ExcelJS from 'exceljs';
import { wallClockAsUtcDate } from '../time/zoned-time.ts';
import { cellText } from './cell-format.ts';
import {
  type CellType,
  type CellValue,
  type Lang,
  labelledTotals,
  type TableColumn,
  type TableModel,
} from './table-model.ts';

const GIB = 1024 ** 3;

// Characters XML 1.0 cannot hold: a file name from a recorder must not make the workbook unreadable.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text an XML part can hold: control characters and lone surrogates become U+FFFD. */
function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '\ufffd');
}

/** Excel number formats per cell type; values are written as numbers or dates, never as text. */
const NUM_FMT: Record<CellType, string | undefined> = {
  text: undefined,
  int: '0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
  bytes: '0.0 "GiB"',
  hours: '0.0',
  percent: '0%',
};

/** The value a spreadsheet cell holds: numbers as numbers, times as dates in local time. */
function sheetValue(column: TableColumn, value: CellValue | undefined, lang: Lang, timeZone: string) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return xmlSafe(cellText(column, value, lang, timeZone));
  if (!Number.isFinite(value)) return null;
  switch (column.type) {
    case 'text':
      return String(value);
    case 'date':
    case 'datetime':
      // Excel has no time zones: the cell holds the wall-clock time of the dock's zone.
      return wallClockAsUtcDate(value, timeZone);
    case 'bytes':
      return Math.round((value / GIB) * 10) / 10;
    case 'hours':
      return Math.round((value / 3_600_000) * 10) / 10;
    case 'percent':
      return value / 100;
    case 'int':
      return value;
  }
}

/** Terminal-like width: CJK characters count twice. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/u.test(ch) ? 2 : 1;
  return w;
}

/** A sheet name Excel accepts: no []:*?/\, at most 31 characters, unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base =
    title
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 28) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function addTableSheet(
  wb: ExcelJS.Workbook,
  model: TableModel,
  lang: Lang,
  timeZone: string,
  taken: Set<string>,
) {
  const cols = model.columns;
  const width = Math.max(1, cols.length);
  const headerRowNo = model.subtitle ? 3 : 2;
  const ws = wb.addWorksheet(sheetName(xmlSafe(model.title[lang]), taken), {
    views: [{ state: 'frozen', ySplit: headerRowNo, xSplit: 0 }],
  });
  const banner = (text: string, size: number, bold: boolean) => {
    const row = ws.addRow([xmlSafe(text)]);
    row.font = { bold, size };
    if (width > 1) ws.mergeCells(row.number, 1, row.number, width);
  };
  banner(model.title[lang], 14, true);
  if (model.subtitle) banner(model.subtitle[lang], 11, false);
  const header = ws.addRow(cols.map((c) => xmlSafe(c.label[lang])));
  header.font = { bold: true };
  const addValues = (values: Record<string, CellValue>) => {
    const row = ws.addRow(cols.map((c) => sheetValue(c, values[c.key], lang, timeZone)));
    cols.forEach((c, i) => {
      const fmt = NUM_FMT[c.type];
      const cell = row.getCell(i + 1);
      if (fmt && typeof cell.value !== 'string') cell.numFmt = fmt;
    });
    return row;
  };
  for (const r of model.rows) addValues(r);
  const totals = labelledTotals(model, lang);
  if (totals) addValues(totals).font = { bold: true };
  if (model.notes?.length) {
    ws.addRow([]);
    for (const note of model.notes) banner(note[lang], 11, false);
  }
  cols.forEach((c, i) => {
    const texts = [c.label[lang], ...model.rows.map((r) => cellText(c, r[c.key], lang, timeZone))];
    if (totals) texts.push(cellText(c, totals[c.key], lang, timeZone));
    const widest = Math.max(...texts.map(textWidth));
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, widest + 2));
  });
}

/**
 * A report table as an Excel workbook: one sheet, a title row (and subtitle), a bold frozen header,
 * column widths from the content, numbers as numbers, times as real dates in the dock's zone.
 */
export async function toXlsx(model: TableModel, lang: Lang, timeZone: string): Promise<Buffer> {
  return toXlsxWorkbook([model], lang, timeZone);
}

/** Several report tables as one workbook, one sheet each in order. */
export async function toXlsxWorkbook(
  models: readonly TableModel[],
  lang: Lang,
  timeZone: string,
): Promise<Buffer> {
  // Loaded on first use: dockd makes a workbook only when someone asks for one, and exceljs with
  // its zip libraries adds about 8 MB to the heap of the process that loads it.
  const { default: excel } = await import('exceljs');
  const wb = new excel.Workbook();
  wb.creator = 'recorder-dock';
  const taken = new Set<string>();
  for (const m of models) addTableSheet(wb, m, lang, timeZone, taken);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
