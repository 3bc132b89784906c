import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../agent/access/accounts.ts';
import { cliView } from '../../agent/cli/cli-view.ts';
import { clipsCommand } from '../../agent/cli/clip-commands.ts';
import type { CliCommand } from '../../agent/cli/command.ts';
import { copiesCommand } from '../../agent/cli/copies-command.ts';
import {
  alertsCommand,
  ledgerCommand,
  recordersCommand,
  sessionsCommand,
} from '../../agent/cli/dock-commands.ts';
import { explainCommand } from '../../agent/cli/explain-command.ts';
import { exportCommand } from '../../agent/cli/export-command.ts';
import { forwardCommand } from '../../agent/cli/forwarder-command.ts';
import { holdsCommand } from '../../agent/cli/holds-command.ts';
import { purgeCommand } from '../../agent/cli/purge-command.ts';
import { createReportCommand } from '../../agent/cli/report-command.ts';
import { statusCommand, statusText } from '../../agent/cli/status-command.ts';
import { verifyCommand } from '../../agent/cli/verify-command.ts';
import { EMBEDDED_DEFAULTS_FILE } from '../../agent/config/config-loader.ts';
import type { DockConfig } from '../../agent/config/dock-config.ts';
import type { ClipRecord } from '../../agent/ledger/ledger-records.ts';
import { offsiteAlerts } from '../../agent/offsite/offsite-alerts.ts';
import { latinWords } from '../browser/latin-words.ts';
import { FakeClock, openTestLedger, populate, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { type LifecycleWorld, lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';
import { testAlert } from '../helpers/test-alert.ts';

/**
 * Issue 16: dockctl's views under LANG=zh_CN.UTF-8 are Chinese throughout, and name people,
 * recorders, clips and times instead of showing ids. Each command runs on a real ledger with
 * docked clips of named officers, a recording gap, a hold, a purge and an expired clip.
 */

const ZH = { LANG: 'zh_CN.UTF-8', DOCK_CONFIG: EMBEDDED_DEFAULTS_FILE };
const EN = { LANG: 'C.UTF-8', DOCK_CONFIG: EMBEDDED_DEFAULTS_FILE };

/** What the ledger holds as data a Chinese view may show in Latin letters: usernames, models, vendors. */
const DATA = ['mgr', 'sup', 'DSJ-V9', 'Acme', 'dockd'];

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/;
const HEX64 = /\b[0-9a-f]{64}\b/;

/** A table's text without its last column (the short handle a person types back). */
function readableColumns(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+[0-9a-f]{8}$/, ''))
    .join('\n');
}

/** Assert a command's Chinese output has no Latin word outside the allow-list and no raw id. */
function assertChinese(name: string, text: string): void {
  // A rate's unit (MiB/s) is a unit like MiB: the page's allow-list has no rates, plain text does.
  const words = latinWords(text.replace(/(?<=[KMGT]iB|\bB)\/s\b/g, ''), DATA);
  assert.deepEqual(words, [], `${name} has Latin words:\n${text}`);
  assert.doesNotMatch(text, UUID, `${name} shows a uuid:\n${text}`);
  assert.doesNotMatch(readableColumns(text), HEX64, `${name} shows a digest:\n${text}`);
  assert.doesNotMatch(text, /gap:|clip:/, `${name} shows a machine reference:\n${text}`);
}

describe('dockctl views in Chinese, with people and times instead of ids (issue 16)', () => {
  let w: LifecycleWorld;
  let clips: ClipRecord[];
  let gapId: string;
  let state: string[];
  const run = (command: CliCommand, argv: string[], env: NodeJS.ProcessEnv = ZH, stdin?: Readable) =>
    runCli(command, [...argv, ...state], env, stdin);

  before(async () => {
    // Recorded 250 days ago: past the routine retention of the embedded defaults, so expired.
    w = await lifecycleWorld('cli-zh-', new Date(Date.now() - 250 * 86_400_000).toISOString());
    state = ['--state', w.dir];
    ({ clips } = await populate(w.ledger, w.paths, w.clock, 2, 2));
    const [before, afterGap, held] = [clips[0], clips[1], clips[2]];
    assert.ok(before && afterGap && held);
    gapId = w.ledger.openAlert(
      testAlert('recording-gap', `gap:${afterGap.serial}:${before.id}:${afterGap.id}`, {
        facts: {
          serial: afterGap.serial,
          previousClipId: before.id,
          clipId: afterGap.id,
          sourcePath: afterGap.sourcePath,
          gapMinutes: 20,
        },
      }),
    ).id;
    w.ledger.openAlert(
      offsiteAlerts.lockNotKept([held.id], {
        sha256: held.sha256,
        store: 's3:https://oss.example.cn/footage/',
        key: `sha256/${held.sha256.slice(0, 2)}/${held.sha256}`,
        problem: 'retained until never, not 2026-12-01T00:00:00.000Z',
        faults: 'until',
        mode: 'COMPLIANCE',
        wantedMode: 'COMPLIANCE',
        retainedUntil: '',
        wantedUntil: '2026-12-01T00:00:00.000Z',
      }),
    );
    w.ledger.lifecycle.placeHold({
      scope: 'clip',
      clipId: held.id,
      ground: 'dispute',
      caseName: '投诉案',
      caseNo: '(2025)信访1号',
      placedBy: 'mgr',
    });
    const accounts = new AccountService({ ledger: w.ledger, now: w.clock.now });
    for (const [username, officerNo, password] of [
      ['zhang', '310001', 'Kestrel-pass-771'],
      ['li', '310002', 'Osprey-pass-9981'],
    ] as const)
      await accounts.add({ username, role: 'officer', officerNo, password, by: 'console' });
  });
  after(() => w.cleanup());

  it('clips show the officer by name and number, the recorder, the time with its zone and the file name', async () => {
    const r = await run(clipsCommand, []);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^录制时间 +记录仪 +人员 +文件名 +大小 +案号 +重要 +编号$/m);
    const first = clips[0] as ClipRecord;
    assert.match(
      r.out,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +ZFY0001 +张三（310001） +S0C0\\.MP4 .* ${first.id.slice(0, 8)}$`,
        'm',
      ),
    );
    assert.match(r.out, /（时间为 Asia\/Shanghai 时区）\n$/);
    assertChinese('clips', r.out);
    const en = await run(clipsCommand, [], EN);
    assert.match(en.out, /张三 \(310001\) +S0C0\.MP4/);
    assert.match(en.out, /\(times in Asia\/Shanghai\)\n$/);
  });

  it('a clip is taken by its short handle, and an ambiguous or unknown one is refused in one sentence', async () => {
    const clip = clips[1] as ClipRecord;
    const r = await run(copiesCommand, [clip.id.slice(0, 8)]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^资料: ZFY0001 · 张三（310001） · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · S0C1\.MP4$/m);
    assertChinese('copies CLIP', r.out);
    const unknown = await run(copiesCommand, ['ffffffff']);
    assert.equal(unknown.code, 64);
    // Two clips whose ids share a first character: one character is too short to be a handle.
    const short = await run(copiesCommand, [clip.id.slice(0, 1)]);
    assert.equal(short.code, 64);
  });

  it('sessions, alerts, the ledger, recorders, status, holds, purges and copies read in Chinese', async () => {
    const held = clips[2] as ClipRecord;
    const expired = clips.find((c) => c.id !== held.id) as ClipRecord;
    const purge = await run(purgeCommand, [
      'request',
      expired.id.slice(0, 8),
      '--by',
      'mgr',
      '--reason',
      '无保存价值',
    ]);
    assert.equal(purge.code, 0, purge.err);
    for (const [name, command, argv] of [
      ['sessions', sessionsCommand, []],
      ['alerts', alertsCommand, []],
      ['ledger', ledgerCommand, ['--officer', '310001', '--from', '2000-01-01']],
      ['recorders', recordersCommand, []],
      ['status', statusCommand, []],
      ['holds', holdsCommand, []],
      ['purge list', purgeCommand, ['list']],
      ['purge candidates', purgeCommand, ['candidates']],
      ['copies', copiesCommand, []],
      ['export list', exportCommand, ['list']],
    ] as const) {
      const r = await run(command, [...argv]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assertChinese(name, r.out);
    }
    const sessions = await run(sessionsCommand, []);
    assert.match(sessions.out, /ZFY0002 +李四（310002）/);
    const alerts = await run(alertsCommand, []);
    assert.match(alerts.out, /ZFY0001 · 张三（310001） 在 S0C1\.MP4 之前停止录像 20 分钟/);
    assert.match(
      alerts.out,
      /但现在没有保持：锁定至 无，应锁定至 2026-12-01 08:00/,
      'the lock alert from its facts',
    );
    const holds = await run(holdsCommand, []);
    assert.match(holds.out, /^资料 ZFY0002 · 李四（310002） · [-\d: ]+ · S1C0\.MP4 +当事人有异议/m);
    const purges = await run(purgeCommand, ['list']);
    assert.match(purges.out, /无保存价值 +[0-9a-f]{8}$/m, 'the handle last');
  });

  it('holds and purges take their short handles', async () => {
    const list = JSON.parse((await run(holdsCommand, ['--json'])).out) as { id: string }[];
    const hold = list[0]?.id as string;
    const lifted = await run(holdsCommand, ['lift', hold.slice(0, 8), '--by', 'sup', '--reason', '结案']);
    assert.equal(lifted.code, 0, lifted.err);
    assert.match(lifted.out, /sup，\d{4}-/);
    const purge = (JSON.parse((await run(purgeCommand, ['list', '--json'])).out) as { purge: string }[])[0];
    const undone = await run(purgeCommand, [
      'undo',
      (purge?.purge ?? '').slice(0, 8),
      '--by',
      'mgr',
      '--reason',
      '留存备查',
    ]);
    assert.equal(undone.code, 0, undone.err);
    assert.match(undone.out, /已撤销/);
  });

  it('explain, verify, report and forward say everything in Chinese', async () => {
    const explained = await run(
      explainCommand,
      [
        gapId.slice(0, 8),
        '--text',
        '巡查途中记录仪电池耗尽，更换电池后继续录像',
        '--signed-by',
        '310001',
        '--signed-by',
        '310002',
        '--password-stdin',
      ],
      ZH,
      Readable.from(['Kestrel-pass-771\nOsprey-pass-9981\n']),
    );
    assert.equal(explained.code, 0, explained.err);
    assert.match(
      explained.out,
      /^已说明录像中断（ZFY0001 · 张三（310001）：.* 至 .* 未录像），签名人：张三（310001）、李四（310002）\n$/,
    );
    assertChinese('explain', explained.out);

    const checkpoint = path.join(w.dir, 'central-checkpoint.json');
    writeFileSync(checkpoint, JSON.stringify(w.ledger.checkpointNow()));
    const verified = await run(verifyCommand, ['--files', '--against', checkpoint]);
    assert.equal(verified.code, 0, verified.err);
    assert.match(
      verified.out,
      /^已核对事件 \d+ 条（链尾序号 \d+）、检查点 \d+ 个、资料 4 个，已逐一核对存储盘文件 4 个/m,
    );
    assert.match(verified.out, /^对照检查点 \d+（链尾 [0-9a-f]{12}…）：本机哈希链延续了它$/m);
    assert.match(verified.out, /^核验：全部相符$/m);
    assertChinese('verify', verified.out);

    const report = createReportCommand();
    for (const name of ['inventory', 'handover', 'statistics', 'ledger']) {
      const r = await run(report, [name, ...(name === 'ledger' ? ['--from', '2000-01-01'] : [])]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assertChinese(`report ${name}`, r.out);
    }
    const forward = await run(forwardCommand, ['status']);
    assertChinese('forward status', forward.out);
  });

  it("an ambiguous handle is refused in one sentence, in the terminal's language", async () => {
    const { dir, paths, cleanup } = tempState('cli-zh-handles-');
    let n = 0;
    const newId = () => `abcd1234-${String(++n).padStart(4, '0')}`;
    const ledger = await openTestLedger(paths, new FakeClock(), { newId });
    try {
      const { clips: sealed } = await populate(ledger, paths, new FakeClock(), 1, 2);
      for (const [username, role] of [
        ['mgr', 'manager'],
        ['sup', 'supervisor'],
      ] as const)
        ledger.access.saveAccount({ username, role, changedBy: null });
      for (const clip of sealed)
        ledger.lifecycle.placeHold({
          scope: 'clip',
          clipId: clip.id,
          ground: 'incident',
          caseName: '群体事件',
          caseNo: '(2025)1号',
          placedBy: 'mgr',
        });
      const holds = ledger.lifecycle.holds(true).map((h) => h.id);
      assert.equal(holds.length, 2);
      const lift = (typed: string, env: NodeJS.ProcessEnv) =>
        runCli(holdsCommand, ['lift', typed, '--state', dir, '--by', 'sup', '--reason', '结案'], env);
      const zh = await lift('abcd1234', ZH);
      assert.equal(zh.code, 64);
      assert.match(zh.err, /^dockctl holds: 编号 abcd1234 对应不止一个保全：请多输入几位\n/);
      const en = await lift('abcd1234', EN);
      assert.match(
        en.err,
        /^dockctl holds: abcd1234 starts more than one hold id: type more of its characters\n/,
      );
      assert.equal(ledger.lifecycle.holds(true).length, 2, 'nothing lifted on an ambiguous handle');
    } finally {
      ledger.close();
      cleanup();
    }
  });

  it('status of a running dockd: sources, steps and copies in Chinese', () => {
    const daemon = {
      pid: 4242,
      watcher: {
        usbBus: 'present',
        sources: [
          { source: 'udev', state: 'unavailable', detail: 'the netlink socket cannot be opened (EACCES)' },
        ],
      },
      dock: {
        docked: [{ serial: 'ZFY0001' }],
        sessions: [
          {
            serial: 'ZFY0001',
            step: 'ingesting',
            progress: {
              resumeKey: 'k',
              owner: 'ZFY0001',
              sourcePath: '/DCIM/100MEDIA/S0C0.MP4',
              phase: 'verify',
              bytesDone: 512e6,
              bytesTotal: 1024e6,
              bytesPerSecond: 80e6,
              etaSeconds: 7,
            },
          },
        ],
      },
    };
    const view = cliView({ rules: { timezone: 'Asia/Shanghai' } } as Pick<DockConfig, 'rules'>, ZH);
    const text = statusText(
      { daemon, ledgerHead: { seq: 30, hash: 'ab'.repeat(32) }, openAlerts: 2, openSessions: 1 },
      view,
    );
    assert.match(text, /^dockd：运行中（进程 4242），USB 总线：正常$/m);
    assert.match(text, /^ {2}udev: 不可用$/m, "the state in words; the driver's English detail is left out");
    assert.match(text, /^ {2}ZFY0001 {2}采集中 {2}S0C0\.MP4 校验 \[#+\.+\] +50% .* 剩余 0:07$/m);
    assertChinese('status', text.replace(/\budev\b/, ''));
  });
});
