import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../../agent/cli/command.ts';
import { ledgerFile } from '../../agent/ledger/database.ts';
import { type DockPaths, pathsUnder } from '../../agent/paths.ts';
import {
  FakeClock,
  openTestLedger,
  populate,
  REPO_ROOT,
  tempState,
} from '../fixtures/ledger/ledger-fixture.ts';

function dockctl(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'agent/bin/dockctl.ts', 'verify', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    // English unless a test asks for another language: the machine's own LANG must not decide.
    env: { ...process.env, DOCK_STATE_DIR: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dockctl verify', () => {
  let paths: DockPaths;
  let dir: string;
  let cleanup: () => void;
  let checkpointFile: string;

  before(async () => {
    ({ dir, paths, cleanup } = tempState('ledger-cli-'));
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    await populate(ledger, paths, clock, 2, 2);
    checkpointFile = path.join(dir, 'central-checkpoint.json');
    writeFileSync(checkpointFile, JSON.stringify(ledger.checkpointNow()));
    ledger.close();
  });
  after(() => cleanup());

  it('exits 0 on an intact ledger, reading --state or DOCK_STATE_DIR, and proves it extends a checkpoint', () => {
    const r = dockctl(['--state', dir, '--files', '--against', checkpointFile]);
    assert.equal(r.code, ExitCode.ok, r.stderr);
    assert.match(r.stdout, /4 vault files hashed/);
    assert.match(r.stdout, /the local chain extends it/);
    assert.match(r.stdout, /everything holds/);
    assert.equal(dockctl([], { DOCK_STATE_DIR: dir }).code, ExitCode.ok);
  });

  it('prints a JSON report with --json', () => {
    const r = dockctl(['--state', dir, '--json']);
    const report = JSON.parse(r.stdout) as { ok: boolean; findings: unknown[]; stats: { clips: number } };
    assert.equal(report.ok, true);
    assert.equal(report.stats.clips, 4);
    assert.deepEqual(report.findings, []);
  });

  it('uses distinct exit codes for usage, missing input and bad data', () => {
    assert.equal(dockctl(['--bogus']).code, ExitCode.usage);
    const missing = dockctl(['--state', path.join(dir, 'nowhere')]);
    assert.equal(missing.code, ExitCode.noInput);
    assert.match(missing.stderr, /there is no ledger at .*nowhere/);
    assert.equal(dockctl(['--state', dir, '--against', path.join(dir, 'nope.json')]).code, ExitCode.noInput);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"v":1}');
    const r = dockctl(['--state', dir, '--against', bad]);
    assert.equal(r.code, ExitCode.dataErr);
    assert.match(r.stderr, /checkpoint .*bad.json is not valid/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('finds the vault where the configuration puts it (--config), outside the state folder', async () => {
    const state = tempState('ledger-cli-vault-');
    try {
      const vaultDir = path.join(state.dir, 'other-disk', 'vault');
      const stateDir = path.join(state.dir, 'state');
      const split = {
        ...pathsUnder(stateDir),
        vaultDir,
        stagingDir: path.join(vaultDir, '.staging'),
        quarantineDir: path.join(vaultDir, '.quarantine'),
      };
      const clock = new FakeClock();
      const ledger = await openTestLedger(split, clock);
      await populate(ledger, split, clock, 1, 3);
      ledger.close();
      const config = path.join(state.dir, 'config.yaml');
      writeFileSync(config, `version: 2\npaths:\n  stateDir: ${stateDir}\n  vaultDir: ${vaultDir}\n`);
      const r = dockctl(['--files', '--config', config]);
      assert.equal(r.code, ExitCode.ok, r.stdout + r.stderr);
      assert.match(r.stdout, /3 vault files hashed/);
      assert.match(r.stdout, /everything holds/);
      const viaEnv = dockctl(['--files'], { DOCK_CONFIG: config });
      assert.equal(viaEnv.code, ExitCode.ok, 'the same through $DOCK_CONFIG');
      const stateOnly = dockctl(['--files', '--state', stateDir]);
      assert.equal(stateOnly.code, ExitCode.findings, 'without the configuration the vault is not found');
    } finally {
      state.cleanup();
    }
  });

  // Last: it tampers with the shared ledger.
  it('exits 1 and names every finding, with its sequence number', () => {
    const file = ledgerFile(paths);
    execFileSync('sqlite3', [
      file,
      "UPDATE clips SET size = size + 1; UPDATE recorders SET model = 'X' WHERE serial = 'ZFY0001';",
    ]);
    const r = dockctl(['--state', dir]);
    assert.equal(r.code, ExitCode.findings);
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL seq '));
    assert.equal(fails.filter((l) => /table-mismatch: clips row .* size is/.test(l)).length, 4);
    assert.equal(fails.filter((l) => /table-mismatch: recorders row ZFY0001/.test(l)).length, 1);
    assert.match(r.stdout, /5 findings: the ledger does NOT hold/);
    const zh = dockctl(['--state', dir], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, ExitCode.findings);
    assert.match(
      zh.stdout,
      /^不符 第 \d+ 条 {2}台账表与事件不一致：ZFY0001$/m,
      'the kind in words and the row it concerns',
    );
    assert.equal(
      zh.stdout.split('\n').filter((l) => /^不符 第 \d+ 条 {2}台账表与事件不一致：[0-9a-f]+$/.test(l)).length,
      4,
    );
    assert.match(zh.stdout, /^核验：5 项不符，台账不可信$/m);
  });
});
