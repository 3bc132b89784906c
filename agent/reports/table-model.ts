/**
 * A report as data: columns with bilingual labels and a cell type, rows of plain values. Dates and
 * times in rows are epoch milliseconds, `hours` cells are durations in milliseconds, `bytes` cells
 * byte counts, `percent` cells 0–100; formatting happens at output (page, CSV, XLSX, terminal) in
 * the dock's time zone.
 */

/** How a cell is formatted. */
export type CellType = 'text' | 'int' | 'date' | 'datetime' | 'bytes' | 'hours' | 'percent';

/** The languages of the page and the reports. */
export type Lang = 'zh-CN' | 'en';

/** The same text in both languages. */
export interface Bilingual {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** One column of a report. */
export interface TableColumn {
  readonly key: string;
  readonly label: Bilingual;
  readonly type: CellType;
  /**
   * For text columns holding codes (a recorder's status, an alert kind): the words shown for each
   * code. A value not listed is shown as it is. Use `cellText` to apply it.
   */
  readonly values?: Readonly<Record<string, Bilingual>>;
}

/** One value of a row. */
export type CellValue = string | number | null;

/** A report table. */
export interface TableModel {
  /** Stable machine name, e.g. 'ledger', 'inventory', 'handover-items'. */
  readonly name: string;
  readonly title: Bilingual;
  readonly subtitle?: Bilingual;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly Record<string, CellValue>[];
  /** The totals row; its first column shows 合计 / Total when the row leaves it empty. */
  readonly totals?: Record<string, CellValue>;
  /** Lines printed below the table (definitions, the publication deadline, signature lines). */
  readonly notes?: readonly Bilingual[];
}

/** The label of the totals row. */
export const TOTALS_LABEL: Bilingual = { 'zh-CN': '合计', en: 'Total' };

/** Both languages at once: `bi('在用', 'in service')`. */
export function bi(zh: string, en: string): Bilingual {
  return { 'zh-CN': zh, en };
}

/** The totals row with the 合计 / Total label in its first column when that cell is empty. */
export function labelledTotals(model: TableModel, lang: Lang): Record<string, CellValue> | null {
  if (!model.totals) return null;
  const first = model.columns[0]?.key;
  if (first === undefined) return model.totals;
  const v = model.totals[first];
  return v === null || v === undefined ? { ...model.totals, [first]: TOTALS_LABEL[lang] } : model.totals;
}
