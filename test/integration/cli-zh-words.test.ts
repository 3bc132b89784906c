import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../../agent/cli/command.ts';
import { commands } from '../../agent/cli/commands.ts';
import { runDockctl } from '../../agent/cli/dockctl-run.ts';
import { progressLine } from '../../agent/cli/progress-line.ts';
import { DockError } from '../../agent/errors.ts';
import { errorText } from '../../agent/i18n/error-words.ts';
import { langFromEnv } from '../../agent/i18n/lang.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { latinWords } from '../browser/latin-words.ts';
import { FakeClock, openTestLedger, REPO_ROOT, tempState } from '../fixtures/ledger/ledger-fixture.ts';

/**
 * Issue 16: under LANG=zh_CN.UTF-8 everything the real dockctl prints to a person is Chinese —
 * help, usage and option errors, doctor, config check and show, udev-rules' messages, user and
 * ingest — with Latin letters only for data (serials, paths, file names, units), the commands and
 * options one types, placeholders such as FILE, and YAML keys. Under LANG=C it stays English.
 */

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a run in `lang`: no locale variables but LANG, no configuration named. */
function localeEnv(lang: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: lang };
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'DOCK_CONFIG', 'DOCK_STATE_DIR']) delete env[name];
  return env;
}

/** The real program in a child process, in the given locale (the path through bin/dockctl.ts). */
function dockctlProcess(args: readonly string[], lang: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'agent/bin/dockctl.ts', ...args],
      { cwd: REPO_ROOT, env: localeEnv(lang) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/**
 * dockctl as bin/dockctl.ts runs it, in this process (a child process per run costs seconds):
 * the same dispatcher, with LANG as the locale of both the run and the process (a usage error
 * takes dockctl's language from its process, as gettext does). An error escaping the command is
 * printed as bin/dockctl.ts prints it.
 */
async function dockctl(args: readonly string[], lang: string, stdin?: string): Promise<Run> {
  const out = sink();
  const err = sink();
  const env = localeEnv(lang);
  const before = process.env.LANG;
  process.env.LANG = lang;
  try {
    const io = { stdout: out.stream, stderr: err.stream, env, stdin: Readable.from(stdin ? [stdin] : []) };
    const code = await runDockctl(args, io).catch((e: unknown) => {
      err.stream.write(`dockctl: ${errorText(langFromEnv(env), e)}\n`);
      return e instanceof DockError ? ExitCode.dataErr : ExitCode.software;
    });
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    process.env.LANG = before;
  }
}

/** Several runs in turn. */
async function runAll(cases: readonly (readonly string[])[], lang: string): Promise<Run[]> {
  const out: Run[] = [];
  for (const c of cases) out.push(await dockctl(c, lang));
  return out;
}

/**
 * What a Chinese reader of dockctl may see in Latin letters besides the page's allow-list: the
 * commands to type (in '…'), option names, placeholders (FILE, SERIAL_NO), YAML keys and key
 * paths, time zone names, paths, and the syntax of a usage line or of a command to type.
 */
function cliText(text: string): string {
  const syntax = text
    .split('\n')
    .map((line) =>
      /^(?:用法：dockctl |\s+(?:dockctl|udevadm) )/.test(line)
        ? line
            .split(/\s+/)
            .filter((w) => /[^\x20-\x7e]/.test(w))
            .join(' ')
        : line,
    )
    .join('\n')
    // Absolute paths are data, whatever letters they hold.
    .replace(/(?<![\w.-])\/[\w.-]+(?:\/[\w.-]*)*/g, ' ');
  return [...DATA]
    .sort((a, b) => b.length - a.length)
    .reduce((t, w) => t.replace(new RegExp(`(?<![\\w/.-])${escapeRegExp(w)}(?![\\w/.-])`, 'g'), ' '), syntax)
    .replace(/'[^'\n]*'/g, ' ')
    .replace(/“[^”\n]*”/g, ' ')
    .replace(/(?<![\w-])--?[a-z][a-z-]*(?:=\S*)?/g, ' ')
    .replace(/\$[A-Z_]+/g, ' ')
    .replace(/(?<![\w/])[A-Z][a-z]+\/[A-Za-z_]+\b/g, ' ')
    .replace(/(?<![\w/.-])[\w.-]+(?:\/[\w.-]+)+/g, ' ')
    .replace(/(?<![\w/.-])[\w.-]+\.(?:rules|conf|yaml|json|db|sock|socket|md|zip)\b/g, ' ')
    .replace(/(?<![\w/.-])[a-z]\w*(?:(?:\.[a-zA-Z]\w*)|\[\d+\])+/g, ' ')
    .replace(/[*&][\w-]+/g, ' ')
    .replace(/\b[A-Z](?:[A-Z0-9_-]+)?\b/g, ' ');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** Names that are data or proper names of software, kept as they are in Chinese text. */
const DATA = [
  // The commands one types, as the list of commands names them.
  ...commands.map((c) => c.name),
  'dockctl',
  'dockd',
  '.zip',
  'udev',
  'NTP',
  'SDK',
  'GA',
  'Object Lock',
  'type: s3',
  'S3',
  'mounter: direct',
  'chrony',
  'IANA',
  'JSON',
  'YAML',
  'markdown',
  'root',
  'uid',
  'gid',
  'Linux',
  'sha256',
  'recorder-dock',
  'usbcore',
  'cdc_acm',
  'usbserial',
  'sd_mod',
  'zh-CN',
  'en',
  // The values options take, as they are typed.
  'dispute|obstruction|incident|major',
  'dispute',
  'obstruction',
  'incident',
  'major',
  'inventory|handover|statistics',
  'inventory',
  'handover',
  'statistics',
  'ledger',
  'table',
  'csv',
  'xlsx',
  'json',
  'check',
  'show',
  'migrate',
  'keys',
  'create',
  'list',
  'verify',
  'status',
  'fetch-checkpoint',
  'parked',
  'requeue',
  'close',
  'reopen',
  'add',
  'passwd',
  'role',
  'disable',
  'enable',
  'officer',
  'manager',
  'supervisor',
  'auditor',
  'admin',
  'version: 2',
  // YAML keys of the broken file below, as the problems name them.
  'vendor',
  'model',
  'driver',
  'match',
  'serialPattern',
  'lateHours',
  'colour',
  'host',
  'dir',
  // Accounts and files of this test.
  'wang5',
  'li4',
];

function assertChinese(what: string, run: Run): void {
  const text = `${run.stdout}\n${run.stderr}`;
  assert.match(text, /\p{Script=Han}/u, `${what}: no Chinese at all:\n${text}`);
  const left = latinWords(cliText(text), []);
  assert.deepEqual(left, [], `${what}: Latin words ${left.join(', ')} in:\n${text}`);
}

/**
 * Commands whose own files (cliviews' part of issue 16) still print an English usage or a
 * "; run 'dockctl X --help'" hint after a usage error; their usage errors are checked in a test
 * of their own, which passes once those files print usageLine() and commandHelp().
 */
const ENGLISH_GLUE: ReadonlySet<string> = new Set(['explain', 'report', 'verify', 'export', 'forward']);

/** Each command line is refused as a usage error (exit 64), in Chinese. */
async function assertRefusedInChinese(cases: readonly (readonly string[])[]): Promise<void> {
  const runs = await runAll(cases, 'zh_CN.UTF-8');
  const failures = runs.flatMap((run, i) => {
    const what = (cases[i] ?? []).join(' ');
    try {
      assert.equal(run.code, 64, `${what}: exit ${run.code}: ${run.stderr}`);
      assertChinese(what, run);
      return [];
    } catch (err) {
      return [(err as Error).message.split('\n')[0]];
    }
  });
  assert.deepEqual(failures, []);
}

const BROKEN = `version: 2
rules:
  timezone: Mars/Olympus
  lateHours: -3
web:
  listen:
    port: "eighty"
  colour: blue
paths:
  vaultDir: 12
drivers:
  fingerprints:
    models:
      - id: x
        serialPattern: "([a-"
`;

describe('dockctl under LANG=zh_CN.UTF-8', () => {
  const ZH = 'zh_CN.UTF-8';
  let dir: string;
  let state: string;
  let config: string;
  let broken: string;
  let clip: string;
  let cleanup: () => void;

  before(async () => {
    ({ dir, cleanup } = tempState('cli-zh-words-'));
    state = path.join(dir, 'state');
    const ledger = await openTestLedger(pathsUnder(state), new FakeClock());
    ledger.registerOfficer({ officerNo: '310001', name: '张三', unit: null, certNo: null });
    ledger.close();
    config = path.join(dir, 'config.yaml');
    writeFileSync(config, 'version: 2\n');
    broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, BROKEN);
    clip = path.join(dir, 'A123456_0001.MP4');
    writeFileSync(clip, 'not really a video, but bytes to seal\n');
  });
  after(() => cleanup());

  it('bin/dockctl.ts speaks Chinese: the list of commands, an option error, a broken configuration', async () => {
    const [list, option, check] = await Promise.all([
      dockctlProcess(['--help'], ZH),
      dockctlProcess(['holds', '--frobnicate'], ZH),
      dockctlProcess(['config', 'check', broken], ZH),
    ]);
    assert.equal(list?.code, 0);
    assert.match(list?.stdout ?? '', /^用法：dockctl <命令>/);
    assertChinese('dockctl --help (process)', list as Run);
    assert.equal(option?.code, 64);
    assert.match(option?.stderr ?? '', /^dockctl holds: 没有选项 --frobnicate\n用法：dockctl holds/);
    assertChinese('holds --frobnicate (process)', option as Run);
    assert.equal(check?.code, 78);
    assertChinese('config check (process)', check as Run);
  });

  it('dockctl --help lists every command in Chinese', async () => {
    const run = await dockctl(['--help'], ZH);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^用法：dockctl <命令>/);
    for (const c of commands) assert.match(run.stdout, new RegExp(`^  ${c.name} +\\S`, 'm'));
    assertChinese('--help', run);
  });

  it("every command's --help is Chinese", async () => {
    const runs = await runAll(
      commands.map((c) => [c.name, '--help']),
      ZH,
    );
    runs.forEach((run, i) => {
      const name = commands[i]?.name ?? '?';
      assert.equal(run.code, 0, `${name} --help`);
      assert.match(run.stdout, new RegExp(`^用法：dockctl ${name}`), `${name} --help`);
      assertChinese(`${name} --help`, run);
    });
  });

  it('an unknown option of every command is refused in Chinese, with exit 64', async () => {
    const done = commands.filter((c) => !ENGLISH_GLUE.has(c.name));
    const runs = await runAll(
      done.map((c) => [c.name, '--frobnicate', '--state', state]),
      ZH,
    );
    runs.forEach((run, i) => {
      const name = done[i]?.name ?? '?';
      assert.equal(run.code, 64, `${name} --frobnicate: ${run.stderr}`);
      assert.match(run.stderr, /没有选项 --frobnicate/, name);
      assertChinese(`${name} --frobnicate`, run);
    });
  });

  it("each command's own usage errors are Chinese", async () => {
    const cases = [
      ['config', 'check', 'a', 'b'],
      ['config', 'frob'],
      ['doctor', 'extra'],
      ['udev-rules', 'extra'],
      ['user', 'frob', '--state', state],
      ['user', 'add', 'li4', '--state', state],
      ['ingest', '--state', state],
      ['holds', 'place', '--state', state],
      ['holds', 'lift', '--state', state],
      ['purge', 'request', '--state', state],
      ['case', '--state', state],
      ['clips', '--limit', '0', '--state', state],
      ['ledger', '--state', state],
      ['recorders', 'frob', '--state', state],
      ['label', '--state', state],
      ['copies', 'requeue', '--state', state],
      ['sessions', '--limit', 'x', '--state', state],
      ['holds', 'place', '--ground', 'incident', '--recorder', 'A1', '--state', state],
      ['recorders', 'accept', 'ZFY0009', '--state', state],
    ];
    await assertRefusedInChinese(cases);
  });

  it('usage errors of explain, report, verify, export and forward are Chinese (needs their files to print usageLine and the usage in the locale, see /work/coord/cliwords.md)', async () => {
    const cases = [
      ...[...ENGLISH_GLUE].map((name) => [name, '--frobnicate', '--state', state]),
      ['explain', '--state', state],
      ['report', '--state', state],
      ['report', 'ledger', '--year', '2026', '--state', state],
      ['verify', 'extra', '--state', state],
      ['export', 'create', '--state', state],
      ['forward', 'a', 'b', '--state', state],
      ['forward', 'requeue', '--state', state],
      ['forward', 'requeue', '12345', '--state', state],
      ['report', 'inventory', '--tz', 'Mars/Olympus', '--state', state],
    ];
    await assertRefusedInChinese(cases);
  });

  it('doctor: every check, finding and advice line in Chinese', async () => {
    const run = await dockctl(['doctor', '--config', config, '--state', state], ZH);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    for (const name of ['配置文件', '状态目录', '存储盘', '台账', '时区', '中心存储', '异地副本'])
      assert.match(run.stdout, new RegExp(`^(通过|注意|失败)  ${name} `, 'm'), name);
    assert.match(run.stdout, /项通过\n$/);
    assert.match(run.stdout, /^(通过|失败) {2}配置文件 .*有效（第 2 版格式）$/m);
    assertChinese('doctor', run);
    const invalid = await dockctl(['doctor', '--config', broken, '--state', state], ZH);
    assert.match(invalid.stdout, /^失败 {2}配置文件 .*无效：.*（另有 \d+ 个问题）$/m);
    assertChinese('doctor on a broken configuration', invalid);
  });

  it('config check lists every problem of a broken file in Chinese; show and a valid check too', async () => {
    const run = await dockctl(['config', 'check', broken], ZH);
    assert.equal(run.code, 78);
    assert.match(run.stderr, /有 \d+ 个问题/);
    assert.ok(run.stderr.split('\n').filter((l) => l.startsWith('  - ')).length >= 8, run.stderr);
    assertChinese('config check (broken)', run);
    const alias = path.join(dir, 'alias.yaml');
    writeFileSync(alias, 'version: 2\nforwarder:\n  target: *nowhere\n');
    assertChinese('config check (alias)', await dockctl(['config', 'check', alias], ZH));
    const ok = await dockctl(['config', 'check', config], ZH);
    assert.equal(ok.code, 0);
    assertChinese('config check (valid)', ok);
    const show = await dockctl(['config', 'show', config, '--state', state], ZH);
    assert.equal(show.code, 0);
    assert.match(show.stdout, /^version: 2$/m, 'show prints YAML');
    const shown = await dockctl(['config', 'show', broken], ZH);
    assert.equal(shown.code, 78);
    assertChinese('config show (broken)', shown);
  });

  it('udev-rules: its messages are Chinese (the rules file it prints may keep English comments)', async () => {
    const rules = await dockctl(['udev-rules'], ZH);
    assert.equal(rules.code, 0);
    assert.match(rules.stdout, /SUBSYSTEM/);
    assertChinese(
      'udev-rules --site (broken)',
      await dockctl(['udev-rules', '--site', '--config', broken], ZH),
    );
  });

  it('user: the first-run list, a refused add, an add, and the list are Chinese', async () => {
    const empty = await dockctl(['user', 'list', '--state', state], ZH);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(
      empty.stdout,
      /^还没有任何账号：用 'dockctl user add admin --role admin' 创建第一个系统管理员\n$/,
    );
    const refused = await dockctl(
      [
        'user',
        'add',
        'li4',
        '--role',
        'officer',
        '--officer',
        '999999',
        '--password-stdin',
        '--state',
        state,
      ],
      ZH,
      'Li-si-password-2026\n',
    );
    assert.equal(refused.code, 65, refused.stderr);
    assertChinese('user add (unknown officer)', refused);
    const noTerminal = await dockctl(['user', 'add', 'li4', '--role', 'admin', '--state', state], ZH);
    assert.equal(noTerminal.code, 64);
    assertChinese('user add (no terminal)', noTerminal);
    const added = await dockctl(
      ['user', 'add', 'wang5', '--role', 'admin', '--password-stdin', '--state', state],
      ZH,
      'Wang-wu-password-2026\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, '已添加账户 wang5，角色为系统管理员\n');
    const list = await dockctl(['user', 'list', '--state', state], ZH);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /用户名.*角色.*状态/);
    assert.match(list.stdout, /wang5 +系统管理员 .*启用 .*控制台/);
    assertChinese('user list', list);
    const argPassword = await dockctl(['user', 'passwd', 'wang5', '--password=x', '--state', state], ZH);
    assert.equal(argPassword.code, 64);
    assertChinese('user passwd --password=', argPassword);
  });

  it('ingest: sealed, already sealed and failed files are told in Chinese', async () => {
    const first = await dockctl(['ingest', '--state', state, clip], ZH);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^[0-9a-f]{64} {2}\S+A123456_0001\.MP4\n$/);
    const again = await dockctl(['ingest', '--state', state, clip, path.join(dir, 'gone.MP4')], ZH);
    assert.equal(again.code, 74);
    assert.match(again.stdout, /（存储盘中已有）/);
    assert.match(again.stderr, /gone\.MP4 不存在/);
    assertChinese('ingest', again);
    const progress = progressLine(
      {
        resumeKey: 'k',
        owner: '',
        sourcePath: clip,
        phase: 'verify',
        bytesDone: 1024,
        bytesTotal: 4096,
        bytesPerSecond: 512,
        etaSeconds: 6,
      },
      24,
      'zh-CN',
    );
    assert.match(progress, /^A123456_0001\.MP4 校验 \[#{6}\.{18}\] {2}25% .* 剩余 0:06$/);
    assertChinese('ingest progress', { code: 0, stdout: `${progress} 进度`, stderr: '' });
  });
});

describe('dockctl under LANG=C stays English', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempState('cli-c-words-'));
  });
  after(() => cleanup());

  it('help, usage errors, doctor, config check, user and ingest in English', async () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, BROKEN);
    const clip = path.join(dir, 'B1.MP4');
    writeFileSync(clip, 'bytes\n');
    const state = path.join(dir, 'state');
    const help = await dockctlProcess(['--help'], 'C');
    const [holdsHelp, option, doctor, check, ingest] = await runAll(
      [
        ['holds', '--help'],
        ['doctor', '--frobnicate'],
        ['doctor', '--state', state],
        ['config', 'check', broken],
        ['ingest', '--state', state, clip, clip],
      ],
      'C',
    );
    assert.match(
      help?.stdout ?? '',
      /^usage: dockctl <command> \[options\]\n\ncommands:\n {2}status +what dockd/,
    );
    assert.match(holdsHelp?.stdout ?? '', /^usage: dockctl holds \[list\]/);
    assert.match(
      option?.stderr ?? '',
      /^dockctl doctor: Unknown option '--frobnicate'.*; see 'dockctl doctor --help'$/m,
    );
    assert.match(doctor?.stdout ?? '', /^FAIL {2}state folder +state folder .* does not exist$/m);
    assert.match(doctor?.stdout ?? '', /\d+ failed, \d+ to look at, \d+ pass\n$/);
    assert.match(check?.stderr ?? '', /has \d+ problems: fix each one listed/);
    assert.match(check?.stderr ?? '', /rules\.timezone \(line 3\): /);
    assert.match(ingest?.stdout ?? '', / {2}\(already in the vault\)\n$/);
    for (const run of [option, doctor, check, ingest])
      assert.doesNotMatch(`${run?.stdout}${run?.stderr}`, /\p{Script=Han}/u);
  });
});
