/**
 * README.txt of an export package, in Chinese and English: what the package is and how to verify
 * it with standard tools. The commands are constants so that the tests run exactly what the
 * recipient is told to run.
 */

import { SIGNATURE_FILE, SIGNED_MESSAGE_FILE } from './package-layout.ts';

/** Commands a recipient runs inside the package folder; each exits 0 on an intact package. */
export const RECIPIENT_COMMANDS = {
  manifest: 'sha256sum -c manifest-sha256.txt',
  tagManifest: 'sha256sum -c tagmanifest-sha256.txt',
  signature: `openssl pkeyutl -verify -pubin -inkey data/dock-key.pub.pem -rawin -in ${SIGNED_MESSAGE_FILE} -sigfile ${SIGNATURE_FILE}`,
  fingerprint: 'openssl pkey -pubin -in data/dock-key.pub.pem -outform DER | sha256sum',
  events: [
    `jq -c 'select(.body != null)' data/ledger-events.jsonl | while IFS= read -r ev; do`,
    `  h=$({ printf '%s' "$ev" | jq -r .prevHash | xxd -r -p; printf '%s' "$ev" | jq -j .body; } | sha256sum | cut -c1-64)`,
    `  if [ "$h" = "$(printf '%s' "$ev" | jq -r .hash)" ]; then echo "$(printf '%s' "$ev" | jq .seq) OK"; else echo "$(printf '%s' "$ev" | jq .seq) FAILED"; exit 1; fi`,
    'done',
  ].join('\n'),
} as const;

/**
 * Windows has no sha256sum: `certutil -hashfile FILE SHA256` prints one file's digest (in any
 * Windows since 7), and this PowerShell line checks the whole manifest (PowerShell 4 and later).
 */
export const WINDOWS_COMMANDS = {
  hashOne: (file: string) => `certutil -hashfile "${file.replaceAll('/', '\\')}" SHA256`,
  manifest: `powershell -NoProfile -Command "$bad=0; Get-Content -Encoding UTF8 manifest-sha256.txt | ForEach-Object { $h,$p = $_ -split '  ',2; if ((Get-FileHash -Algorithm SHA256 -LiteralPath $p).Hash -ieq $h) { 'OK  ' + $p } else { 'FAILED  ' + $p; $bad=1 } }; exit $bad"`,
} as const;

/** What the README states about one package. */
export interface ReadmeFacts {
  readonly exportId: string;
  /** The unit the package comes from. */
  readonly unit: string;
  readonly dockId: string;
  /** The clip files with their digests (for the Windows instructions). */
  readonly clipFiles: readonly { readonly path: string; readonly sha256: string }[];
  readonly createdAt: string;
  readonly clips: number;
  readonly keyId: string;
  readonly checkpointSeq: number;
}

function windowsLines(f: ReadmeFacts): string {
  return f.clipFiles.map((c) => `    ${WINDOWS_COMMANDS.hashOne(c.path)}\n        → ${c.sha256}`).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The README.txt text (UTF-8, LF). */
export function packageReadme(f: ReadmeFacts): string {
  const c = RECIPIENT_COMMANDS;
  return `执法音像资料导出包 / Law-enforcement footage export package
================================================================

导出编号 Export id:        ${f.exportId}
单位 Unit:                 ${f.unit}
采集站 Dock id:            ${f.dockId}
导出时间 Created at (UTC): ${f.createdAt}
视频文件数 Clips:           ${f.clips}
台账检查点 Checkpoint seq:  ${f.checkpointSeq}
采集站公钥指纹 Dock key fingerprint (SHA-256 of DER SPKI):
    ${f.keyId}

【中文】
本包是执法记录仪采集站（recorder-dock）为行政复议、诉讼等用途集中提供的音像资料复制件，
经负责领导审批后导出。目录结构符合 BagIt 1.0（RFC 8493）：
  data/clips/<记录仪编号>/<文件>   原始视频的逐字节复制件，入库时已用 SHA-256 封存
  data/clips.json                 索引：每个文件的来源路径、大小、SHA-256、录制时间、封存事件序号
  data/ledger-events.jsonl        台账中相关的哈希链事件（封存、标注、审批申请与决定）
  data/checkpoint.json            采集站用 Ed25519 私钥签名的台账检查点
  data/dock-key.pub.pem           采集站公钥
  bag-info.txt                    导出信息（案号、申请人、审批人、审批时间等；不含当事人姓名）
  manifest-sha256.txt             data/ 下每个文件的 SHA-256
  tagmanifest-sha256.txt          其余说明文件的 SHA-256
  ${SIGNED_MESSAGE_FILE} / ${SIGNATURE_FILE}   检查点的被签名字节与签名（供 openssl 验证）

验证方法（在本目录内执行，Linux 或 macOS；macOS 可用 "shasum -a 256 -c" 代替 "sha256sum -c"）：
  1. 校验所有文件未被改动，每行应显示“成功/OK”：
${indent(c.manifest)}
${indent(c.tagManifest)}
  2. 校验检查点签名，应显示 "Signature Verified Successfully"：
${indent(c.signature)}
  3. 核对公钥指纹与上面的指纹一致，并向导出单位或中心存储核实该指纹确属本采集站：
${indent(c.fingerprint)}
  4. （可选，需要 jq 和 xxd）逐条重算台账事件哈希 hash = SHA-256(prevHash 原始字节 ‖ body)：
${indent(c.events)}
Windows（无需安装软件）：在本目录打开“命令提示符”，逐个文件执行下列命令，
显示的 SHA256 值（大小写不限）应与箭头后的值一致：
${windowsLines(f)}
或在同一目录用 PowerShell 一次校验 manifest-sha256.txt 中的全部文件，每行应显示 OK：
${indent(WINDOWS_COMMANDS.manifest)}
步骤 2、3 在 Windows 上需要 OpenSSL（例如 Git for Windows 自带的 openssl），命令相同。
含当事人姓名的标注事件只保留哈希，正文不随包提供（个人隐私）。
如需证明这些事件确属该采集站完整台账的一部分，可请导出单位在采集站上运行 "dockctl verify"，
或与中心存储保存的检查点比对。

[English]
This package is a copy of audio-visual records provided centrally by a recorder-dock station for
administrative review or litigation, exported with the approval of the responsible leader. It is a
BagIt 1.0 bag (RFC 8493):
  data/clips/<recorder serial>/<file>  byte-for-byte copies of the originals, sealed with SHA-256 at ingest
  data/clips.json                 index: source path, size, SHA-256, recording times, seal event of each file
  data/ledger-events.jsonl        the hash-chained ledger events concerned (seals, labels, request, decision)
  data/checkpoint.json            a ledger checkpoint signed with the dock's Ed25519 key
  data/dock-key.pub.pem           the dock's public key
  bag-info.txt                    export details (case number, requester, approval; no party names)
  manifest-sha256.txt             SHA-256 of every file under data/
  tagmanifest-sha256.txt          SHA-256 of the other files
  ${SIGNED_MESSAGE_FILE} / ${SIGNATURE_FILE}   the checkpoint's signed bytes and signature, for openssl

How to verify (inside this folder, Linux or macOS; on macOS "shasum -a 256 -c" works like "sha256sum -c"):
  1. Every file is unchanged: each line must say OK.
${indent(c.manifest)}
${indent(c.tagManifest)}
  2. The checkpoint signature: must print "Signature Verified Successfully".
${indent(c.signature)}
  3. The key fingerprint must equal the one above; confirm with the exporting unit or the central
     store that it is this dock's key.
${indent(c.fingerprint)}
  4. (Optional, needs jq and xxd) recompute each event's hash = SHA-256(prevHash raw bytes ‖ body):
${indent(c.events)}
Windows (nothing to install): open a Command Prompt in this folder and run, for each file, the
command below; the SHA256 it prints (in either letter case) must equal the value after the arrow:
${windowsLines(f)}
Or check every file of manifest-sha256.txt at once with PowerShell; each line must say OK:
${indent(WINDOWS_COMMANDS.manifest)}
Steps 2 and 3 need OpenSSL on Windows (for example the openssl of Git for Windows); the commands
are the same.
Label events that name a party carry only their hashes; their bodies are withheld (privacy).
To prove that these events belong to the dock's complete ledger, ask the exporting unit to run
"dockctl verify" on the dock, or compare with the checkpoints held by the central store.
`;
}
