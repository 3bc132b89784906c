import { alertKindText } from '../i18n/alert-text.ts';
import { ALERT_KINDS } from '../ledger/alert-kinds.ts';
import { type Bilingual, bi, type CellType, type TableColumn } from './table-model.ts';

/** A column: key, type, and its label in both languages. */
export function column(
  key: string,
  type: CellType,
  zh: string,
  en: string,
  values?: Readonly<Record<string, Bilingual>>,
): TableColumn {
  return values ? { key, type, label: bi(zh, en), values } : { key, type, label: bi(zh, en) };
}

/** A recorder's service state (recorders.status). */
export const RECORDER_STATUS: Readonly<Record<string, Bilingual>> = {
  in_service: bi('在用', 'in service'),
  faulty: bi('故障', 'faulty'),
  retired: bi('报废', 'retired'),
};

/** Alert kinds the dock raises (from the shared catalogue), and the other kinds of open items. */
export const ITEM_KINDS: Readonly<Record<string, Bilingual>> = {
  ...Object.fromEntries(
    ALERT_KINDS.map((k) => [k, bi(alertKindText('zh-CN', k), alertKindText('en', k))] as const),
  ),
  view: bi('调阅申请', 'request to view'),
  export: bi('导出申请', 'request to export'),
  package: bi('导出包（保管期内）', 'export package (in custody)'),
};

/** Categories of the handover list's open items. */
export const ITEM_CATEGORIES: Readonly<Record<string, Bilingual>> = {
  alert: bi('未处理提醒', 'open alert'),
  request: bi('待审批调阅申请', 'pending access request'),
  export: bi('导出留存', 'export kept'),
};

/** Remarks of the ledger table. */
export const LEDGER_REMARKS: Readonly<Record<string, Bilingual>> = {
  out: bi('未归还', 'not returned'),
  'no-checkout': bi('无领用登记', 'no check-out recorded'),
};

/** A signature line with a date line, for printed reports. */
export function signatureLine(zhRole: string, enRole: string): Bilingual {
  return bi(
    `${zhRole}签字：________________    日期：______年____月____日`,
    `${enRole} (signature): ________________    Date: ____________`,
  );
}
