import { zonedInstant } from '../time/zoned-time.ts';
import type { ReportQueries } from './report-queries.ts';
import { column } from './report-vocabulary.ts';
import { bi, type TableModel } from './table-model.ts';

const COLUMNS = [
  column('month', 'text', '月份', 'Month'),
  column('dockings', 'int', '采集次数', 'Dockings'),
  column('officers', 'int', '采集人数', 'Officers who docked'),
  column('clips', 'int', '录像文件数', 'Clips'),
  column('hours', 'hours', '录像时长（小时）', 'Footage (h)'),
  column('bytes', 'bytes', '数据量', 'Data'),
  column('late', 'int', '逾期上传数', 'Late clips'),
  column('gaps', 'int', '录像中断数', 'Recording gaps'),
  column('gapsExplained', 'int', '中断已书面说明', 'Gaps explained'),
  column('faults', 'int', '故障报告数', 'Faults reported'),
  column('approved', 'int', '调阅批准', 'Access approved'),
  column('denied', 'int', '调阅不予批准', 'Access denied'),
  column('exports', 'int', '导出次数', 'Exports'),
];

/**
 * The yearly statistics of audio-visual enforcement records (年度执法音像记录统计, R12), per month
 * in the dock's zone and for the year: dockings, officers who docked, what those dockings stored
 * (clips, hours, bytes, late clips, clips after a recording gap), gap explanations, fault reports,
 * access decisions and exports. Counts only: no names, no officer numbers. To be published before
 * 31 January of the following year.
 */
export function statisticsReport(reports: ReportQueries, year: number, timeZone: string): TableModel {
  const rows: Record<string, string | number>[] = [];
  for (let m = 1; m <= 12; m++) {
    const range = { from: zonedInstant(timeZone, year, m), to: zonedInstant(timeZone, year, m + 1) };
    const d = reports.dockingCounts(range);
    const c = reports.sealedAtDockings(range);
    const o = reports.oversightCounts(range);
    rows.push({
      month: `${year}-${String(m).padStart(2, '0')}`,
      dockings: d.dockings,
      officers: d.officers,
      clips: c.clips,
      hours: c.durationMs,
      bytes: c.bytes,
      late: c.late,
      gaps: c.gaps,
      gapsExplained: o.gapsExplained,
      faults: o.faults,
      approved: o.approved,
      denied: o.denied,
      exports: o.exports,
    });
  }
  const totals: Record<string, number | null> = { month: null };
  for (const col of COLUMNS) {
    if (col.key !== 'month') totals[col.key] = rows.reduce((n, r) => n + Number(r[col.key] ?? 0), 0);
  }
  // An officer who docked in several months is one officer in the year.
  const wholeYear = { from: zonedInstant(timeZone, year, 1), to: zonedInstant(timeZone, year + 1, 1) };
  totals.officers = reports.dockingCounts(wholeYear).officers;
  return {
    name: 'statistics',
    title: bi(`${year}年度执法音像记录统计`, `Audio-visual enforcement records, statistics for ${year}`),
    subtitle: bi(`统计年度：${year}年1月1日至12月31日`, `Year: 1 January to 31 December ${year}`),
    columns: COLUMNS,
    rows,
    totals,
    notes: [
      bi(
        `依据行政执法公示制度，本统计应于${year + 1}年1月31日前向社会公开（R12）。`,
        `Under the enforcement publicity rules this report must be published before 31 January ${year + 1} (R12).`,
      ),
      bi(
        '录像文件数、时长、数据量、逾期上传数和录像中断数按采集时间统计；中断说明、故障报告、调阅审批和导出按办理时间统计。采集人数合计为全年不重复人数。',
        'Clips, hours, data, late clips and recording gaps count in the month of the docking that stored them; explanations, fault reports, access decisions and exports in the month they were made. The officers total counts each officer once for the year.',
      ),
      bi('本表不含个人信息。', 'This report holds no personal data.'),
    ],
  };
}
