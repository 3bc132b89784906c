import { localDate } from '../time/zoned-time.ts';
import type { ReportQueries } from './report-queries.ts';
import { column, LEDGER_REMARKS } from './report-vocabulary.ts';
import { type Bilingual, bi, type CellValue, type TableModel } from './table-model.ts';

/** The dock's default zone, for callers that do not name one (rules.timezone's default). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** What the 台账 covers: [from, to), all recorders, or one recorder and/or one officer. */
export interface LedgerTableQuery {
  readonly from: Date;
  readonly to: Date;
  readonly serial?: string;
  readonly officerNo?: string;
  /** Zone of the dates in the subtitle (default Asia/Shanghai); cells are formatted at output. */
  readonly timeZone?: string;
}

const COLUMNS = [
  column('serial', 'text', '记录仪编号', 'Recorder'),
  column('model', 'text', '型号', 'Model'),
  column('officerNo', 'text', '人员编号', 'Officer no.'),
  column('officerName', 'text', '姓名', 'Name'),
  column('checkedOutAt', 'datetime', '领用时间', 'Checked out'),
  column('outBatteryPct', 'percent', '领用时电量', 'Battery out'),
  column('outFreeBytes', 'bytes', '领用时剩余存储', 'Free storage out'),
  column('checkedInAt', 'datetime', '归还时间', 'Checked in'),
  column('inBatteryPct', 'percent', '归还时电量', 'Battery in'),
  column('clips', 'int', '录像文件数', 'Clips'),
  column('hours', 'hours', '录像时长（小时）', 'Footage (h)'),
  column('late', 'int', '逾期上传数', 'Late clips'),
  column('dockings', 'int', '采集次数', 'Dockings'),
  column('remark', 'text', '备注', 'Remarks', LEDGER_REMARKS),
];

/**
 * The recorder usage ledger (执法记录仪使用情况台账, R7) over [from, to): one row per check-out
 * overlapping the range, with the battery and free storage read at check-out and check-in, what
 * was recorded while it was out (clips whose recording started in [out, in), or since `out` while
 * it is still out), the late clips (R1) among them and the dockings. Dockings no check-out covers
 * get a row too, with the officer the recorder reported, so nothing is hidden; each clip is counted
 * in exactly one row. Ends with a totals row.
 */
export function ledgerTable(reports: ReportQueries, q: LedgerTableQuery): TableModel {
  const range = { from: q.from.getTime(), to: q.to.getTime() };
  const scope = { serial: q.serial ?? null, officerNo: q.officerNo ?? null };
  const rows: (Record<string, CellValue> & { sortAt: number })[] = [];
  let open = 0;
  for (const a of reports.checkoutsOverlapping(range, scope)) {
    const t = reports.checkoutTally(a);
    if (a.checkedInAt === null) open++;
    rows.push({
      sortAt: a.checkedOutAt,
      serial: a.serial,
      model: a.model,
      officerNo: a.officerNo,
      officerName: a.officerName,
      checkedOutAt: a.checkedOutAt,
      outBatteryPct: a.outBatteryPct,
      outFreeBytes: a.outFreeBytes,
      checkedInAt: a.checkedInAt,
      inBatteryPct: a.inBatteryPct,
      clips: t.clips,
      hours: t.durationMs,
      late: t.late,
      dockings: t.dockings,
      remark: a.checkedInAt === null ? 'out' : null,
    });
  }
  const lone = reports.dockingsWithoutCheckout(range, scope);
  for (const d of lone) {
    const t = reports.uncoveredClipsOfDocking(d.sessionId);
    rows.push({
      sortAt: d.startedAt,
      serial: d.serial,
      model: d.model,
      officerNo: d.officerNo,
      officerName: d.officerName,
      checkedOutAt: null,
      outBatteryPct: null,
      outFreeBytes: null,
      checkedInAt: d.startedAt,
      inBatteryPct: d.batteryPct,
      clips: t.clips,
      hours: t.durationMs,
      late: t.late,
      dockings: 1,
      remark: 'no-checkout',
    });
  }
  rows.sort((a, b) => a.sortAt - b.sortAt || String(a.serial).localeCompare(String(b.serial)));
  const sum = (key: string) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);
  const checkouts = rows.length - lone.length;
  return {
    name: 'ledger',
    title: bi('执法记录仪使用情况台账', 'Recorder usage ledger'),
    subtitle: subtitleOf(q),
    columns: COLUMNS,
    rows: rows.map(({ sortAt: _sortAt, ...r }) => r),
    totals: { clips: sum('clips'), hours: sum('hours'), late: sum('late'), dockings: sum('dockings') },
    notes: [
      bi(
        `领用 ${checkouts} 次（其中未归还 ${open} 次），无领用登记的采集 ${lone.length} 次。`,
        `${checkouts} check-outs (${open} not returned), ${lone.length} dockings with no check-out.`,
      ),
      bi(
        '录像文件按录制开始时间计入领用期间；领用期间以外录制的文件计入采集该文件的那次入站。逾期上传指录制结束后超过规定时限（默认24小时）才存储的文件（R1）。',
        'Clips count in the check-out during which their recording started; clips recorded outside any check-out count in the docking that stored them. Late clips were stored more than the limit (default 24 h) after their recording ended (R1).',
      ),
    ],
  };
}

function subtitleOf(q: LedgerTableQuery): Bilingual {
  const zone = q.timeZone ?? DEFAULT_TIME_ZONE;
  const from = localDate(q.from.getTime(), zone);
  // The range is half-open: its last day is the day of the last millisecond inside it.
  const to = localDate(Math.max(q.from.getTime(), q.to.getTime() - 1), zone);
  const zh = [`统计期间：${from} 至 ${to}`];
  const en = [`Period: ${from} to ${to}`];
  if (q.serial) {
    zh.push(`记录仪：${q.serial}`);
    en.push(`recorder ${q.serial}`);
  }
  if (q.officerNo) {
    zh.push(`人员编号：${q.officerNo}`);
    en.push(`officer ${q.officerNo}`);
  }
  return bi(zh.join('；'), en.join('; '));
}
