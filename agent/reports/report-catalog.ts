import { DockError } from '../errors.ts';
import { checkTimeZone, zonedInstant } from '../time/zoned-time.ts';
import { handoverReport } from './handover-report.ts';
import { inventoryReport } from './inventory-report.ts';
import type { ReportQueries } from './report-queries.ts';
import { statisticsReport } from './statistics-report.ts';
import type { Bilingual, TableModel } from './table-model.ts';
import { bi } from './table-model.ts';

/** The yearly and handover reports (the 台账 is `ledgerTable`). */
export type ReportName = 'inventory' | 'handover' | 'statistics';

/** Every report name, in menu order. */
export const REPORT_NAMES: readonly ReportName[] = ['inventory', 'handover', 'statistics'];

/** Each report's name for menus and file names. */
export const REPORT_TITLES: Readonly<Record<ReportName, Bilingual>> = {
  inventory: bi('年度装备清查表', 'Yearly inventory'),
  handover: bi('装备移交清单', 'Handover list'),
  statistics: bi('年度执法音像记录统计', 'Yearly statistics'),
};

/** A report parameter out of range: names it and what to give instead. */
export class ReportParameterError extends DockError {
  constructor(message: string) {
    super('REPORT_PARAMETER', message);
  }
}

/** True for a report name (a query string or CLI word is hostile input). */
export function isReportName(name: unknown): name is ReportName {
  return typeof name === 'string' && (REPORT_NAMES as readonly string[]).includes(name);
}

/**
 * Build a report's tables. `year` is the calendar year in `timeZone` (inventory, statistics);
 * `at` the instant of the handover list. Throws ReportParameterError for an unknown name, a year
 * outside 2000–2100, or an unknown time zone.
 */
export function buildReport(
  reports: ReportQueries,
  name: ReportName,
  params: { year: number; at: Date; timeZone: string },
): TableModel[] {
  if (!isReportName(name)) {
    throw new ReportParameterError(`there is no report '${String(name)}': choose ${REPORT_NAMES.join(', ')}`);
  }
  if (!Number.isInteger(params.year) || params.year < 2000 || params.year > 2100) {
    throw new ReportParameterError(`the year ${params.year} is out of range: give a year from 2000 to 2100`);
  }
  if (Number.isNaN(params.at.getTime())) {
    throw new ReportParameterError('the handover time is not a valid date: give a date and time');
  }
  checkTimeZone(params.timeZone);
  const { year, timeZone } = params;
  switch (name) {
    case 'inventory':
      return [
        inventoryReport(reports, year, {
          from: zonedInstant(timeZone, year, 1),
          to: zonedInstant(timeZone, year + 1, 1),
        }),
      ];
    case 'handover':
      return handoverReport(reports, params.at, timeZone);
    case 'statistics':
      return [statisticsReport(reports, year, timeZone)];
  }
}
