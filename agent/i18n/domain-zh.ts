/**
 * Words of the dock itself in Chinese, shared by the page, dockctl and the reports: alert kinds
 * and their texts (rendered from each alert's facts), states, steps and phases, and the errors the
 * ledger and access layers raise (by code). domain-en.ts has exactly the same keys.
 */
export const domainZh = {
  'alert.kind.vault-full': '存储盘已满',
  'alert.kind.storage-low': '存储空间不足',
  'alert.kind.read-error': '文件读取失败',
  'alert.kind.damaged-clip': '录像文件损坏',
  'alert.kind.file-changed': '文件在复制中变化',
  'alert.kind.late-clip': '逾期存储（R1）',
  'alert.kind.recording-gap': '录像中断（R9）',
  'alert.kind.identity-changed': '记录仪身份变化',
  'alert.kind.unknown-recorder': '未登记的记录仪',
  'alert.kind.unknown-device': '未识别的设备',
  'alert.kind.device-permission': '设备权限不足',
  'alert.kind.recorder-not-ready': '记录仪未就绪（R7）',
  'alert.kind.unsafe-entries': '记录仪中有异常文件',
  'alert.kind.unusable-recorder-taken': '领用了不可用的记录仪（R8）',
  'alert.kind.no-officer': '无法确定使用人员',
  'alert.kind.forward-backlog': '上传积压',
  'alert.kind.forward-rejected': '中心存储拒收',

  'alert.text.vault-full':
    '存储盘已满：{recorder} 的 {file} 及其后的文件未能封存，仍保留在记录仪中；请清理存储盘后重新接入。',
  'alert.text.storage-low': '存储盘剩余 {free}（共 {total}，{percent}%），低于 {limit}% 的告警线。',
  'alert.text.read-error':
    '{recorder} 的 {file} 在第 {position} 字节处读取失败（{errno}），文件仍保留在记录仪中；已尝试 {attempts} 次，最多 {max} 次。请为该记录仪报告故障（R8）。',
  'alert.text.damaged-clip':
    '{recorder} 的 {file} {why}；已逐字节封存，并保留在记录仪中直至处理本告警。请为该记录仪报告故障（R8）。',
  'alert.text.file-changed':
    '{recorder} 的 {file} 在复制过程中发生变化（列出时 {listed}，实际封存 {sealed}），仍保留在记录仪中，下次接入时重新复制。',
  'alert.text.late-clip': '{recorder} 的 {file} 在录制结束 {hours} 小时后才存储（规定 {limit} 小时内，R1）。',
  'alert.text.recording-gap':
    '{recorder} 在 {file} 之前停止录像 {minutes} 分钟，须由两名以上执法人员签名作书面说明（R9）。',
  'alert.text.identity-changed':
    '记录仪 {serial} 以不同的型号或 USB 标识接入（原为 {previous}，现为 {fingerprint}），请核实后接收或拒绝。',
  'alert.text.unknown-recorder': '记录仪 {serial}（{vendor} {model}）尚未登记，请接收或拒绝。',
  'alert.text.unknown-device':
    '接入了一个不是已知记录仪的 USB 存储设备（{vendorId}:{productId}，卷标 {label}），未读取。如果它是记录仪，请把型号加入设备识别表。',
  'alert.text.device-permission':
    '采集服务无权打开设备 {devNode}（{deviceKey}）：请安装 udev 规则（dockctl udev-rules）。',
  'alert.text.recorder-not-ready': '{recorder} 不能用于下一班：{why}（R7）。',
  'alert.text.unsafe-entries':
    '{recorder} 中有 {count} 个采集站不会读取的条目（链接、设备文件、异常文件名），请检查记录仪。',
  'alert.text.unusable-recorder-taken':
    '{recorder} 状态为“{status}”，却已离开采集站：故障记录仪不得使用（R8）。',
  'alert.text.no-officer':
    '{recorder} 已离开采集站，但没有绑定使用人员：请绑定人员，使台账能显示由谁领用（R7）。',
  'alert.text.forward-backlog':
    '有 {records} 条记录尚未被中心存储接收，最早的产生于 {oldest}（超过 {limit} 小时）。',
  'alert.text.forward-rejected': '中心存储拒收了一条记录：{reason}',
  'alert.why.no-moov': '在断电等情况下被截断（缺少 moov 头）',
  'alert.why.unparseable': '无法按 MP4 格式解析',
  'alert.none': '无',
  'alert.why.battery': '电量 {pct}%',
  'alert.why.storage': '剩余存储 {free}',
  'list.separator': '、',

  'session.complete': '完成',
  'session.waiting-explanation': '等待中断说明（R9）',
  'session.partial': '部分完成',
  'session.failed': '失败',
  'session.interrupted': '中途拔出',
  'session.running': '进行中',

  'usb.present': '正常',
  'usb.absent': '本机没有 USB 总线',
  'usb.unknown': '未知',
  'forwarder.starting': '启动中',
  'forwarder.idle': '空闲',
  'forwarder.sending': '上传中',
  'forwarder.retrying': '等待重试',
  'forwarder.stopped': '已停止',
  'forwarder.unknown': '未知',
  'forwarder.unreachable': '无法连接中心存储',

  'verify.fadvise-dontneed': '清除缓存后重读校验',
  'verify.o-direct': '直接读盘校验',
  'verify.buffered': '缓存读取校验',
} as const;

/** A key of the dock's own words. */
export type DomainKey = keyof typeof domainZh;
