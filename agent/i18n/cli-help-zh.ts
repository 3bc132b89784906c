/**
 * dockctl's help in Chinese (issue 16): the list of commands and each command's `--help`, shown
 * when the locale is Chinese. The English help stays beside each command; option names,
 * placeholders (FILE, DIR, SERIAL), paths and commands to type stay Latin.
 */

/** The lines of the options every command takes (--config, --state). */
export const SHARED_USAGE_ZH = `  --config FILE  dockd 读取的配置文件（默认 $DOCK_CONFIG；否则存在时为
                 /etc/recorder-dock/config.yaml；再否则为内置默认配置）
  --state DIR    状态目录，优先于配置中的 paths.stateDir（默认 $DOCK_STATE_DIR）；
                 配置未设定的目录都在它下面
`;

const LEDGER_USAGE_ZH = `${SHARED_USAGE_ZH}  --json         输出机器可读的 JSON
`;

/** The first lines of `dockctl --help`. */
export const MAIN_USAGE_ZH = '用法：dockctl <命令> [选项]\n\n命令：\n';

/** Each command's one-line summary and its `--help`, by command name. */
export const CLI_HELP_ZH: Readonly<Record<string, { readonly summary: string; readonly usage: string }>> = {
  status: {
    summary: 'dockd 当前在做什么：在位的记录仪、正在复制的文件、告警',
    usage: `用法：dockctl status [--config FILE] [--state DIR] [--json]\n${SHARED_USAGE_ZH}`,
  },
  recorders: {
    summary: '已登记的记录仪；接收或拒绝一台被扣留的记录仪；领用登记',
    usage: `用法：dockctl recorders [--config FILE] [--state DIR] [--json]
      dockctl recorders accept SERIAL [--by STAFF]
      dockctl recorders reject SERIAL [--by STAFF]
      dockctl recorders checkout SERIAL OFFICER_NO   （手工登记领用，R7）
${LEDGER_USAGE_ZH}`,
  },
  sessions: {
    summary: '最近的接入记录及每次封存的内容',
    usage: `用法：dockctl sessions [--limit N] [--config FILE] [--state DIR] [--json]\n${LEDGER_USAGE_ZH}`,
  },
  ledger: {
    summary: '某台记录仪或某位执法人员在一段日期内的使用台账',
    usage: `用法：dockctl ledger (--recorder SERIAL | --officer NO) [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--config FILE] [--state DIR] [--json]
${LEDGER_USAGE_ZH}  --from, --to   日期范围（默认最近 30 天）
`,
  },
  alerts: {
    summary: '未处理的告警（逾期存储、录像中断、未登记的记录仪……）',
    usage: `用法：dockctl alerts [--config FILE] [--state DIR] [--json]\n${LEDGER_USAGE_ZH}`,
  },
  explain: {
    summary: '填写录像中断的书面说明，并由每位执法人员当面用自己的密码签名（R9）',
    usage: `用法：dockctl explain ALERT_ID --text "说明内容" --signed-by NO --signed-by NO [--password-stdin]
      dockctl explain ALERT_ID --signed-by NO [--password-stdin]

R9：录像中断须有书面说明，由两名以上执法人员签名，每人在本机控制台当面输入自己账户的密码。
  --text TEXT        说明内容；新的说明替换旧的，旧说明的签名作废
  --signed-by NO     现在签名的执法人员的人员编号；每位签名人写一次
  --password-stdin   从标准输入读取签名人的密码，每行一个，顺序同 --signed-by
${SHARED_USAGE_ZH}在终端上逐一询问每位签名人的密码，输入时不显示。说明中列出的执法人员全部签名后，
说明即完成，该录像中断随之处理完毕。
`,
  },
  clips: {
    summary: '按执法人员、记录仪、日期或案号查找已封存的资料',
    usage: `用法：dockctl clips [--officer NO] [--recorder SERIAL] [--case PART] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--important] [--limit N] [--config FILE] [--state DIR] [--json]
${LEDGER_USAGE_ZH}`,
  },
  label: {
    summary: '为资料标注案号、当事人、主办民警（R2），或标记为重要',
    usage: `用法：dockctl label CLIP_ID --by USER [--case NO] [--party NAME] [--officer-in-charge NO] [--important | --not-important] [--config FILE] [--state DIR] [--json]
${LEDGER_USAGE_ZH}  未给出的标注保持原值；给出空值即清除该标注。
`,
  },
  copies: {
    summary: '异地副本：积压（资料数、字节数、最久等待、预计完成）、防篡改检测、某个资料的副本',
    usage: `用法：dockctl copies [--state DIR] [--config FILE] [--json]     异地存储、防篡改检测和积压
      dockctl copies CLIP_ID                 该资料的类别、保存期限、保全和副本
      dockctl copies requeue CLIP_ID --by USER --reason TEXT   校验失败后重新复制
      dockctl copies probe                   立即对异地存储做防篡改检测
${LEDGER_USAGE_ZH}`,
  },
  holds: {
    summary: '列出、设置或解除 R4 保全（保存两份经校验的副本，保全期间不清理）',
    usage: `用法：dockctl holds [list] [--all] [--state DIR] [--json]
      dockctl holds place (--clip ID | --session ID | --recorder SERIAL --from DATE --to DATE)
                         --ground dispute|obstruction|incident|major --case-name NAME --case-no NO --by USER
      dockctl holds lift HOLD_ID --by SUPERVISOR --reason TEXT

  R4 保全：资料保存两份经校验的副本，保全期间不清理。理由：dispute（当事人有异议，可能投诉或
  信访）、obstruction（执法人员受到阻碍、侮辱、殴打）、incident（群体性或突发事件）、major（其他
  重大或敏感事项）。装备管理员或负责人设置保全；只有负责人可以解除，并须写明理由。
${LEDGER_USAGE_ZH}`,
  },
  purge: {
    summary: '列出保存期满的资料，确认、批准或撤销清理（R3）',
    usage: `用法：dockctl purge [list] [--state DIR] [--config FILE] [--json]
      dockctl purge candidates                  保存期满且未保全的资料（R3）
      dockctl purge request CLIP... --by MANAGER --reason TEXT
      dockctl purge approve PURGE_ID --by SUPERVISOR   （证据类资料）
      dockctl purge undo PURGE_ID --by USER --reason TEXT
      dockctl purge settle                      按台账现状移动和删除文件
      dockctl purge no-value CLIP --by MANAGER  标记资料无保存价值（--undo 撤销）

  不会自动清理任何资料。确认的清理先在可恢复区保留 retention.purgeGraceDays 天（可撤销），
  之后在本机和异地删除；保全会阻止清理。
${LEDGER_USAGE_ZH}`,
  },
  case: {
    summary: '结案或重新立案（R3：证据随案卷保存）',
    usage: `用法：dockctl case close CASE_NO --by USER [--reason NOTE] [--state DIR] [--json]
      dockctl case reopen CASE_NO --by USER --reason TEXT
`,
  },
  report: {
    summary: '报表：使用台账、年度装备清查表、装备移交清单、年度统计',
    usage: `用法：dockctl report inventory|handover|statistics [--year YYYY] [选项]
      dockctl report ledger [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--recorder SERIAL] [--officer NO] [选项]

  inventory    年度装备清查表（R8）；--year 默认今年
  handover     装备管理员之间的装备移交清单（R8），截至现在
  statistics   年度统计，于 1 月 31 日前公布（R12）；--year 默认去年
  ledger       记录仪使用台账（R7）；--from/--to 为整天，默认本月

选项：
  --format F    table（默认）、csv、xlsx 或 json
  --out FILE    写入 FILE 而不是终端（xlsx 必须给出）
  --lang L      zh-CN（默认）或 en
  --tz ZONE     日期所用的时区（默认配置中的 rules.timezone）
${SHARED_USAGE_ZH}`,
  },
  ingest: {
    summary: '手工把文件封存入库（复制、SHA-256、校验）',
    usage: `用法：dockctl ingest [--config FILE] [--state DIR] [--json] FILE...

手工把文件封存入库（只复制一次，计算 SHA-256，落盘，校验，以只读方式发布）。
记录仪接入时本机会自动封存；本命令供信息技术人员和数据恢复使用。
${SHARED_USAGE_ZH}  --json         每个文件输出一个 JSON 对象，而不是表格
`,
  },
  verify: {
    summary: '校验台账哈希链、校验点、各表和（--files）存储盘；--against 中心校验点',
    usage: `用法：dockctl verify [--config FILE] [--state DIR] [--files] [--against CHECKPOINT.json] [--json]

校验台账：从创世事件起的哈希链、序号无缺失、每个校验点的签名、各表每一行与事件一致。列出全部问题。
${SHARED_USAGE_ZH}  --files            同时对存储盘（paths.vaultDir）中的每个文件计算哈希并与封存记录比对，
                     并查找未封存的文件
  --against FILE     中心存储的校验点，本机哈希链须是它的延续
  --json             以 JSON 输出报告
退出码：0 全部通过，1 发现问题，64 用法错误，65 数据错误，66 缺少输入，74 读写错误，78 配置错误。
`,
  },
  export: {
    summary: '为已批准的申请生成导出包，列出导出包，校验导出包或其 .zip',
    usage: `用法：dockctl export create --request ID --user NAME [--case NO] [--reason TEXT] [--config FILE] [--state DIR] [--json]
      dockctl export list [--config FILE] [--state DIR] [--json]
      dockctl export verify PATH [--json]

R10 导出包，供行政复议或诉讼使用（BagIt 1.0、SHA-256 清单、每个资料的台账事件和一个签名的校验点），
保存在 web.exportsDir（默认为状态目录下的 'exports' 目录）中，每个导出包一个以导出编号命名的目录。
  create   把一项已批准的导出申请（R6）中的资料复制到新的导出包，逐个与封存记录比对，
           并记入台账和查询台账
  list     台账中记录的导出包，以及各目录是否还在
  verify   校验导出包目录或其 .zip：每个文件、清单、事件哈希和校验点签名；列出每个有问题的文件
  --request ID   --user 的已批准申请（用途为导出）
  --user NAME    导出的账户；必须是提出申请的账户
  --case NO      写入 bag-info.txt 的案号
  --reason TEXT  理由，记入查询台账
${SHARED_USAGE_ZH}  --json         以 JSON 输出结果
退出码：0 成功（verify：导出包完好）；1 verify 发现问题，或存储盘中的文件与封存记录不符；64 用法错误；
65 被拒绝或不是导出包；66 没有台账或 PATH 不存在；74 空间不足；78 配置错误。
`,
  },
  forward: {
    summary: '向中心存储上传：状态；为 verify --against 取回校验点',
    usage: `用法：dockctl forward status [--config FILE] [--state DIR] [--json]
      dockctl forward fetch-checkpoint [--config FILE] [--state DIR] [--out FILE]
      dockctl forward parked [--json]
      dockctl forward requeue SEQ|RECORD_ID... | --all

  status            等待上传的内容和上传情况：积压、最早未发送的记录、上次成功、上次错误、
                    搁置的记录（dockd 无须运行）
  fetch-checkpoint  从配置的中心存储取回本机最新的校验点，写入 FILE（默认标准输出），
                    供 'dockctl verify --against FILE' 使用
  parked            中心存储拒收、被搁置的记录
  requeue           重新发送搁置的记录（dockd 在下一轮处理该请求）

${SHARED_USAGE_ZH}退出码：0 成功；1（status）目标出错或有搁置的记录；66 没有校验点或没有台账；
74 无法连接目标；78 配置错误；64 用法错误。
`,
  },
  user: {
    summary: '网页账户：添加、列出、改密码、改角色、停用、启用',
    usage: `用法：dockctl user add NAME --role ROLE [--officer NO] [--password-stdin]
      dockctl user list [--json]
      dockctl user passwd NAME [--password-stdin]
      dockctl user role NAME ROLE
      dockctl user disable NAME
      dockctl user enable NAME
${SHARED_USAGE_ZH}  --json             输出机器可读的 JSON
  --role ROLE        officer（执法人员）、manager（装备管理员）、supervisor（负责人）、
                     auditor（审计）、admin（信息技术管理员）
  --officer NO       执法人员本人账户的人员编号
  --password-stdin   从标准输入的第一行读取密码
在终端上密码询问两次且不显示，从不作为参数传入。
第一个账户在控制台创建：dockctl user add admin --role admin
`,
  },
  config: {
    summary: '检查、显示或迁移配置文件；列出全部配置项',
    usage: `用法：dockctl config check [FILE | --config FILE | --embedded] [--state DIR]
      dockctl config show [FILE | --config FILE | --embedded] [--state DIR]
      dockctl config migrate [FILE | --config FILE]
      dockctl config keys [--update-readme README.md]

  check     按 schemas/config.schema.json 检查 FILE，列出全部问题
  show      实际生效的配置（补全默认值，隐藏密码）
  migrate   输出按当前格式改写后的 FILE（不修改文件本身）
  keys      全部配置项的表格（markdown）；--update-readme 改写 README 中的表格

FILE（或 --config FILE）默认 $DOCK_CONFIG，否则为 /etc/recorder-dock/config.yaml；
--embedded 使用内置默认配置；--state DIR 把状态目录放在那里，与其他 dockctl 命令相同。
退出码：0 有效，78 无效或无法读取，64 用法错误。
`,
  },
  doctor: {
    summary: '检查配置、目录、台账、USB、udev、时间和中心存储',
    usage: `用法：dockctl doctor [--config FILE] [--state DIR] [--json]

检查本机能否正常工作，每项一行，未通过时写明怎么处理：配置、状态目录、存储盘、台账、USB 总线、
udev、记录仪规则、设备模块、记录仪端口（服务能打开每台接入的串口记录仪）、挂载助手、厂商 SDK、
时间同步、时区、中心存储、异地副本。以 root 运行时按服务账户判断目录权限。
FILE 默认 $DOCK_CONFIG，否则为 /etc/recorder-dock/config.yaml；--state DIR 把状态目录放在那里，
与其他 dockctl 命令相同。
退出码：0 没有未通过的项（可以有警告），1 有未通过的项，64 用法错误。
`,
  },
  'udev-rules': {
    summary: '输出记录仪 USB 标识的 udev 规则（内置型号表，或 --site 本单位型号）',
    usage: `用法：dockctl udev-rules [--site [--config FILE]]

输出记录仪 USB 标识的 udev 规则：默认为内置型号表（软件包安装为
/usr/lib/udev/rules.d/70-recorder-dock.rules）；加 --site 时为配置文件 drivers.fingerprints
中的型号。安装方法：

  dockctl udev-rules --site > /etc/udev/rules.d/71-recorder-dock-site.rules
  udevadm control --reload && udevadm trigger --subsystem-match=usb
`,
  },
};
