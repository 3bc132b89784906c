import { localDateTime } from '../time/zoned-time.ts';
import type { ReportQueries } from './report-queries.ts';
import { column, ITEM_CATEGORIES, ITEM_KINDS, RECORDER_STATUS, signatureLine } from './report-vocabulary.ts';
import { bi, type CellValue, type TableModel } from './table-model.ts';

const RECORDER_COLUMNS = [
  column('serial', 'text', '记录仪编号', 'Recorder'),
  column('model', 'text', '型号', 'Model'),
  column('status', 'text', '状态', 'Status', RECORDER_STATUS),
  column('holderNo', 'text', '当前领用人编号', 'Held by (no.)'),
  column('holderName', 'text', '当前领用人', 'Held by'),
  column('checkedOutAt', 'datetime', '领用时间', 'Checked out'),
  column('openFaults', 'int', '未处理故障', 'Open faults'),
  column('openAlerts', 'int', '未处理提醒', 'Open alerts'),
];

const ITEM_COLUMNS = [
  column('category', 'text', '类别', 'Category', ITEM_CATEGORIES),
  column('kind', 'text', '事项', 'Item', ITEM_KINDS),
  column('id', 'text', '编号', 'Id'),
  column('subject', 'text', '对象', 'Concerns'),
  column('at', 'datetime', '时间', 'Since'),
  column('by', 'text', '经办人', 'By'),
  column('clips', 'int', '文件数', 'Clips'),
  column('bytes', 'bytes', '数据量', 'Size'),
  column('detail', 'text', '说明', 'Detail'),
];

const EXPORT_CUSTODY_YEARS = 1;

/**
 * The handover list between equipment managers (装备移交清单, R8) as of `at`: every recorder with
 * its status, who holds it (the check-out open at `at`), its open faults and open alerts; then the
 * open items: alerts still open, access requests still pending, and export packages of the last
 * year (kept at least one year, R3); then signature and date lines for the manager handing over,
 * the manager receiving and the supervisor (监交人). Alerts and requests are those open now that
 * were opened by `at` (use `at` = now).
 */
export function handoverReport(reports: ReportQueries, at: Date, timeZone: string): TableModel[] {
  const t = at.getTime();
  const holders = reports.holdersAt(t);
  const faults = reports.openFaultsAt(t);
  const alerts = reports.openAlerts(t);
  const alertsBySerial = new Map<string, number>();
  for (const a of alerts) if (a.serial) alertsBySerial.set(a.serial, (alertsBySerial.get(a.serial) ?? 0) + 1);
  const recorders = reports.recorders().map((r) => {
    const h = holders.get(r.serial);
    return {
      serial: r.serial,
      model: r.model,
      status: r.status,
      holderNo: h?.officerNo ?? null,
      holderName: h?.officerName ?? null,
      checkedOutAt: h?.checkedOutAt ?? null,
      openFaults: faults.get(r.serial) ?? 0,
      openAlerts: alertsBySerial.get(r.serial) ?? 0,
    };
  });
  const asOf = localDateTime(t, timeZone);
  const custodyFrom = new Date(t);
  custodyFrom.setUTCFullYear(custodyFrom.getUTCFullYear() - EXPORT_CUSTODY_YEARS);
  const items: Record<string, CellValue>[] = [
    ...alerts.map((a) => ({
      category: 'alert',
      kind: a.kind,
      id: a.id,
      subject: a.serial ?? a.subject,
      at: a.openedAt,
      by: null,
      clips: null,
      bytes: null,
      detail: a.detail,
    })),
    ...reports.pendingRequests(t).map((r) => ({
      category: 'request',
      kind: r.purpose,
      id: r.id,
      subject: null,
      at: r.requestedAt,
      by: r.requestedBy,
      clips: r.clipCount,
      bytes: null,
      detail: null,
    })),
    ...reports.exportsIn({ from: custodyFrom.getTime(), to: t + 1 }).map((e) => ({
      category: 'export',
      kind: 'package',
      id: e.id,
      subject: e.caseNo,
      at: e.createdAt,
      by: e.createdBy,
      clips: e.clipCount,
      bytes: e.bytes,
      detail: null,
    })),
  ];
  const held = recorders.filter((r) => r.holderNo !== null).length;
  return [
    {
      name: 'handover-recorders',
      title: bi('装备移交清单', 'Equipment handover list'),
      subtitle: bi(
        `截至 ${asOf}；记录仪共 ${recorders.length} 台，其中 ${held} 台已领用在外`,
        `As of ${asOf}: ${recorders.length} recorders, ${held} checked out`,
      ),
      columns: RECORDER_COLUMNS,
      rows: recorders,
      totals: {
        holderNo: held,
        openFaults: recorders.reduce((n, r) => n + r.openFaults, 0),
        openAlerts: recorders.reduce((n, r) => n + r.openAlerts, 0),
      },
    },
    {
      name: 'handover-items',
      title: bi('移交待办事项', 'Open items handed over'),
      subtitle: bi(
        `截至 ${asOf}：未处理提醒、待审批的调阅申请、一年内的导出留存`,
        `As of ${asOf}: open alerts, pending access requests, exports of the last year`,
      ),
      columns: ITEM_COLUMNS,
      rows: items,
      notes: [
        bi(
          '以上装备及事项经移交双方当面清点核对无误。',
          'The equipment and items above were checked together by both parties.',
        ),
        signatureLine('移交人（原装备管理员）', 'Handed over by (outgoing equipment manager)'),
        signatureLine('接收人（新装备管理员）', 'Received by (incoming equipment manager)'),
        signatureLine('监交人', 'Supervised by'),
      ],
    },
  ];
}
