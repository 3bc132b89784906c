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
