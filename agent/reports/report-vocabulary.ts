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

/** Alert kinds the dock raises, and the kinds of open items in the handover list. */
export const ITEM_KINDS: Readonly<Record<string, Bilingual>> = {
  'late-clip': bi('逾期上传录像（R1）', 'late clip (R1)'),
  'recording-gap': bi('录像中断待说明（R9）', 'recording gap to explain (R9)'),
  'recorder-not-ready': bi('记录仪未就绪（电量或存储不足）', 'recorder not ready (battery or storage)'),
  'unsafe-entries': bi('记录仪存储中有可疑文件', 'unsafe entries on a recorder'),
  'unusable-recorder-taken': bi('故障或报废记录仪被取走', 'faulty or retired recorder taken'),
  'no-officer': bi('记录仪未登记使用人', 'recorder taken with no officer'),
  'unknown-device': bi('未知USB设备', 'unknown USB device'),
  'unknown-recorder': bi('未登记的记录仪待确认', 'unregistered recorder waiting'),
  'identity-changed': bi('记录仪身份信息变化待确认', 'recorder identity changed'),
  'forward-rejected': bi('上传中心存储被拒', 'central store rejected records'),
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
