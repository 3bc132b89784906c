import { localDate, localDateTime } from '../time/zoned-time.ts';
import { formatBytes } from './byte-format.ts';
import type { CellType, CellValue, Lang, TableColumn } from './table-model.ts';

/** What the page and the terminal show for an empty cell (CSV leaves it empty). */
export const PAGE_EMPTY = '—';

const HOUR_MS = 3_600_000;

/**
 * One cell as text: dates and times in `timeZone` (`2026-11-21`, `2026-11-21 08:05`), bytes as
 * MiB or GiB with one decimal (formatBytes from MiB up), hours with one decimal
 * (the cell holds milliseconds), percent with %, null as `empty` ('' for CSV, PAGE_EMPTY for the
 * page). A string in a typed column (a totals label) is shown as it is. Both languages use the
 * same figures; `lang` is kept for the contract and future wording.
 */
export function formatCell(
  value: CellValue,
  type: CellType,
  _lang: Lang,
  timeZone: string,
  empty = '',
): string {
  if (value === null || value === undefined) return empty;
  if (typeof value === 'string' || !Number.isFinite(value)) return String(value);
  switch (type) {
    case 'text':
      return String(value);
    case 'int':
      return String(Math.round(value));
    case 'date':
      return localDate(value, timeZone);
    case 'datetime':
      return localDateTime(value, timeZone);
    case 'bytes':
      return formatBytes(value, 'MiB');
    case 'hours':
      return (value / HOUR_MS).toFixed(1);
    case 'percent':
      return `${Math.round(value)}%`;
  }
}

/** A cell as shown: a code in a column with `values` becomes its words, anything else formatCell. */
export function cellText(
  column: TableColumn,
  value: CellValue | undefined,
  lang: Lang,
  timeZone: string,
  empty = '',
): string {
  if (typeof value === 'string' && column.values && Object.hasOwn(column.values, value)) {
    const words = column.values[value];
    if (words) return words[lang];
  }
  return formatCell(value ?? null, column.type, lang, timeZone, empty);
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * The number a cell shows, as a value of its column: hours rounded to the tenth shown, bytes to
 * the tenth of the MiB or GiB shown. Totals are sums of these, so that the rows a reader adds up
 * give the total printed below them (0.1 + 0.1 + 0.1 = 0.3, not 0.2).
 */
export function asShown(value: CellValue | undefined, type: CellType): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  if (type === 'hours') return Math.round(value / (HOUR_MS / 10)) * (HOUR_MS / 10);
  if (type === 'bytes') {
    const unit = Number((value / MIB).toFixed(1)) >= 1024 ? GIB : MIB;
    return Math.round(value / (unit / 10)) * (unit / 10);
  }
  return value;
}

/** The total of a column as its rows show it (see asShown). */
export function shownTotal(
  rows: readonly Readonly<Record<string, CellValue>>[],
  key: string,
  type: CellType,
): number {
  return rows.reduce((n, r) => n + asShown(r[key], type), 0);
}
