/**
 * dockctl's views in Chinese (issue 16): the words of clips, sessions, alerts, holds, purges,
 * verify, report, export, explain and forward that the dock's shared words do not already have.
 * domain-zh.ts takes them in; domain-cliviews-en.ts has exactly the same keys.
 */
export const cliviewsDomainZh = {
  'cli.col.handle': '编号',
  'cli.col.file': '文件名',
  'cli.recorders.checkout': '记录仪 {serial} 已领用给 {officer}',
  'cli.recorders.accept': '已接收记录仪 {serial}：下次接入时采集其中的资料',
  'cli.recorders.reject': '已拒绝记录仪 {serial}：不采集其中的资料，请将其从采集站取下',
  'lock.mode.COMPLIANCE': '合规模式',
  'lock.mode.GOVERNANCE': '治理模式',
  'lock.mode.none': '无',
  'lock.fault.mode': '保存模式为{found}，应为{wanted}',
  'lock.fault.until': '锁定至 {found}，应锁定至 {wanted}',
  'lock.fault.legalHold': '法律保全锁定未加上',
  'lock.fault.noVersion': '存储未返回版本号（未开启版本管理）',
  'lock.fault.separator': '；',
  'cli.explain.done': '已说明录像中断（{gap}），签名人：{signers}',
  'cli.explain.signed': '已签名；尚待签名：{left}',
  'cli.explain.password': '执法人员 {officer} 的密码：',
} as const;
