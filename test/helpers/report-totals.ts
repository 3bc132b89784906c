import assert from 'node:assert/strict';
import { cellText } from '../../agent/reports/cell-format.ts';
import { labelledTotals, type TableModel } from '../../agent/reports/table-model.ts';

/** A figure as a reader reads it off the page: hours, a count, or bytes in MiB / GiB. */
function readFigure(text: string): number {
  const m = /^(-?\d+(?:\.\d+)?)(?: (MiB|GiB))?$/.exec(text.trim());
  assert.ok(m, `a figure: '${text}'`);
  const n = Number(m[1]);
  return m[2] === 'GiB' ? n * 1024 : n;
}

/**
 * Every total of a report equals the sum of the figures its rows show, read as a reader would
 * add them up (issue 16): per-row hours 0.1 + 0.1 + 0.1 must give 0.3. Columns in `distinct`
 * count things once over the period (officers) and are checked against the rows' bounds instead.
 */
export function assertTotalsFromRows(
  model: TableModel,
  timeZone: string,
  distinct: readonly string[] = [],
): void {
  const totals = labelledTotals(model, 'zh-CN');
  assert.ok(totals, `${model.name} has a totals row`);
  for (const column of model.columns) {
    const total = totals[column.key];
    if (typeof total !== 'number' || column.type === 'percent') continue;
    const shown = (v: unknown) => cellText(column, v as number | null, 'zh-CN', timeZone, '');
    const figures = model.rows
      .map((r) => shown(r[column.key]))
      .filter((t) => t !== '')
      .map(readFigure);
    const printed = readFigure(shown(total));
    if (distinct.includes(column.key)) {
      assert.ok(
        printed <= figures.reduce((a, b) => a + b, 0) && printed >= Math.max(0, ...figures),
        column.key,
      );
      continue;
    }
    const sum = figures.reduce((a, b) => a + b, 0);
    const unit = column.type === 'bytes' ? 0.05 * (printed >= 1024 ? 1024 : 1) : 1e-9;
    assert.ok(
      Math.abs(sum - printed) <= unit,
      `${model.name}.${column.key}: the rows show ${figures.join(' + ')} = ${sum}, the total says ${shown(total)}`,
    );
  }
}
