import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { AccountService } from '../../agent/access/accounts.ts';
import { alertsCommand, sessionsCommand } from '../../agent/cli/dock-commands.ts';
import { explainCommand } from '../../agent/cli/explain-command.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { FakeClock, openTestLedger, populate, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';
import { testAlert } from '../helpers/test-alert.ts';

const run = runCli;

describe('dockctl explain and sessions (R9)', () => {
  it('a docking with an unexplained gap waits; each signer signs with their password at the console', async () => {
    const { dir, paths, cleanup } = tempState('cli-gaps-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    const { clips, sessionIds } = await populate(ledger, paths, clock, 2, 2);
    const [before, after] = [clips[0], clips[1]];
    assert.ok(before && after);
    const gap = ledger.openAlert(
      testAlert('recording-gap', `gap:${after.serial}:${before.id}:${after.id}`, {
        facts: {
          serial: after.serial,
          previousClipId: before.id,
          clipId: after.id,
          sourcePath: after.sourcePath,
          gapMinutes: 20,
        },
      }),
    );
    const accounts = new AccountService({ ledger, now: clock.now });
    await accounts.add({
      username: 'zhang',
      role: 'officer',
      officerNo: '310001',
      password: 'Kestrel-pass-771',
      by: 'console',
    });
    await accounts.add({
      username: 'li',
      role: 'officer',
      officerNo: '310002',
      password: 'Osprey-pass-9981',
      by: 'console',
    });
    ledger.close();
    const state = ['--state', dir];
    try {
      const statuses = async () =>
        (
          JSON.parse((await run(sessionsCommand, [...state, '--json'])).out) as {
            id: string;
            status: string;
          }[]
        )
          .filter((s) => s.id === sessionIds[0])
          .map((s) => s.status);
      assert.deepEqual(await statuses(), ['waiting-explanation']);
      const table = await run(sessionsCommand, state);
      assert.match(table.out, /waiting for a gap explanation/);
      const zh = await run(sessionsCommand, state, { LANG: 'zh_CN.UTF-8' });
      assert.match(zh.out, /^接入时间 +记录仪 +人员 +结果/m, 'headers in Chinese');
      assert.match(zh.out, /等待中断说明（R9）/);
      assert.match(zh.out, /（时间为 Asia\/Shanghai 时区）\n$/);
      const alerts = await run(alertsCommand, state, { LANG: 'zh_CN.UTF-8' });
      assert.match(alerts.out, /录像中断（R9） +ZFY0001 · 张三（310001） 在 S0C1\.MP4 之前停止录像 20 分钟/);

      const text = 'the battery ran out during the market inspection';
      const args = [
        gap.id,
        ...state,
        '--text',
        text,
        '--signed-by',
        '310001',
        '--signed-by',
        '310002',
        '--password-stdin',
      ];
      const wrong = await run(
        explainCommand,
        args,
        {},
        Readable.from(['Kestrel-pass-771\nnot-li-password\n']),
      );
      assert.equal(wrong.code, 65, wrong.err);
      assert.match(wrong.err, /username or password is wrong/);
      const zhWrong = await run(
        explainCommand,
        [gap.id, ...state, '--signed-by', '310002', '--password-stdin'],
        { LANG: 'zh_CN.UTF-8' },
        Readable.from(['not-li-password\n']),
      );
      assert.match(zhWrong.err, /^dockctl explain: 用户名或密码错误/);
      assert.deepEqual(await statuses(), ['waiting-explanation'], 'one signature is not enough');
      const noPipe = await run(explainCommand, [gap.id, ...state, '--signed-by', '310002']);
      assert.equal(noPipe.code, 64, 'no terminal and no --password-stdin');
      // The last signer names the gap by the handle the alerts table shows.
      const rest = await run(
        explainCommand,
        [gap.id.slice(0, 8), ...state, '--signed-by', '310002', '--password-stdin'],
        {},
        Readable.from(['Osprey-pass-9981\n']),
      );
      assert.equal(rest.code, 0, rest.err);
      assert.match(
        rest.out,
        /^gap explained \(ZFY0001 · 张三 \(310001\): no recording from .+\), signed by 张三 \(310001\), 李四 \(310002\)$/m,
      );
      assert.deepEqual(await statuses(), ['complete']);
      const verified = await verifyLedger({ paths, scratchDir: dir });
      assert.equal(verified.ok, true, 'the chain with the new events replays to the same tables');
    } finally {
      cleanup();
    }
  });
});
