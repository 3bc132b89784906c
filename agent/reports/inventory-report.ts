import { shownTotal } from './cell-format.ts';
import type { MsRange, ReportQueries } from './report-queries.ts';
import { column, RECORDER_STATUS, signatureLine } from './report-vocabulary.ts';
import { bi, type TableModel } from './table-model.ts';

const COLUMNS = [
  column('serial', 'text', '记录仪编号', 'Recorder'),
  column('model', 'text', '型号', 'Model'),
  column('vendor', 'text', '厂商', 'Vendor'),
  column('status', 'text', '状态', 'Status', RECORDER_STATUS),
  column('registeredAt', 'date', '登记日期', 'Registered'),
  column('boundOfficerNo', 'text', '绑定人员编号', 'Bound officer no.'),
  column('boundOfficerName', 'text', '绑定人员姓名', 'Bound officer'),
  column('checkouts', 'int', '领用次数', 'Check-outs'),
  column('dockings', 'int', '采集次数', 'Dockings'),
  column('clips', 'int', '录像文件数', 'Clips'),
  column('hours', 'hours', '录像时长（小时）', 'Footage (h)'),
  column('faults', 'int', '故障报告数', 'Faults reported'),
  column('faultsOnTime', 'int', '其中24小时内报告', 'Reported within 24 h'),
  column('lastDockedAt', 'datetime', '最近采集时间', 'Last docked'),
  // Filled in by hand at the yearly count (R8): the ledger says what should be there, this says what is.
  column('physicalCheck', 'text', '实物清点（在位 / 缺失）', 'Physical check (present / missing)'),
  column('checkRemark', 'text', '清点备注', 'Check remarks'),
];

/**
 * The yearly equipment inventory (年度装备清查表, R8): every registered recorder with its status,
 * binding, the year's check-outs, dockings, what those dockings stored, the faults reported that
 * year (and how many within the deadline), and its last docking. Totals and signature lines.
 */
export function inventoryReport(reports: ReportQueries, year: number, range: MsRange): TableModel {
  const activity = reports.recorderActivity(range);
  const faults = reports.faultsByRecorder(range);
  const recorders = reports.recorders();
  const rows = recorders.map((r) => {
    const a = activity.get(r.serial);
    const f = faults.get(r.serial);
    return {
      serial: r.serial,
      model: r.model,
      vendor: r.vendor,
      status: r.status,
      registeredAt: r.registeredAt,
      boundOfficerNo: r.boundOfficerNo,
      boundOfficerName: r.boundOfficerName,
      checkouts: a?.checkouts ?? 0,
      dockings: a?.dockings ?? 0,
      clips: a?.clips ?? 0,
      hours: a?.durationMs ?? 0,
      faults: f?.reported ?? 0,
      faultsOnTime: f?.onTime ?? 0,
      lastDockedAt: r.lastDockedAt,
      physicalCheck: null,
      checkRemark: null,
    };
  });
  const sum = (key: 'checkouts' | 'dockings' | 'clips' | 'hours' | 'faults' | 'faultsOnTime') =>
    shownTotal(rows, key, key === 'hours' ? 'hours' : 'int');
  const count = (status: string) => recorders.filter((r) => r.status === status).length;
  return {
    name: 'inventory',
    title: bi(`${year}年度执法记录仪清查表`, `Recorder inventory ${year}`),
    subtitle: bi(
      `清查年度：${year}年；共 ${recorders.length} 台，其中在用 ${count('in_service')} 台、故障 ${count('faulty')} 台、报废 ${count('retired')} 台`,
      `Year ${year}: ${recorders.length} recorders, ${count('in_service')} in service, ${count('faulty')} faulty, ${count('retired')} retired`,
    ),
    columns: COLUMNS,
    rows,
    totals: {
      checkouts: sum('checkouts'),
      dockings: sum('dockings'),
      clips: sum('clips'),
      hours: sum('hours'),
      faults: sum('faults'),
      faultsOnTime: sum('faultsOnTime'),
    },
    notes: [
      bi(
        '“实物清点”一栏由清查人现场核对每台记录仪后填写“在位”或“缺失”；缺失、损坏的须在备注中说明并按规定调查（R8）。',
        '"Physical check" is filled in by hand after seeing each recorder: "present" or "missing"; explain a missing or damaged one in the remarks, to be investigated (R8).',
      ),
      bi(
        '领用、采集及故障报告按发生时间计入本年度；录像文件数和时长为本年度各次采集所存储的文件。故障应在发现后24小时内报告（R8）。',
        "Check-outs, dockings and fault reports count in the year they happened; clips and hours are what the year's dockings stored. Faults must be reported within 24 h of being noticed (R8).",
      ),
      signatureLine('清查人', 'Counted by'),
      signatureLine('复核人', 'Checked by'),
    ],
  };
}
