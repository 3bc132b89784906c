// A short seeded slice of the crash campaign (`make crash` runs the whole of it), on every
// `make test`: 20 trials with a fixed seed, two at a time. A failure lists each broken
// invariant with its trial, kill point and planted cases, and the command that reruns that trial.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareCampaign } from './campaign.ts';
import { ChildRun } from './child-run.ts';
import { findingLines, summarise, table } from './report.ts';
import { asServiceUser, notOwnedBy } from './service-user.ts';
import { planTrial } from './trial-plan.ts';
import type { TrialRecord } from './trial-record.ts';
import { type CampaignContext, runTrial } from './trial-runner.ts';
import { prepareWorld, trialPaths } from './trial-world.ts';

const SEED = 2026;
const TRIALS = 20;
const JOBS = 2;
const REPO = path.resolve(import.meta.dirname, '../..');

describe('crash campaign, seeded slice', () => {
  let dir: string;
  let ctx: CampaignContext;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crash-slice-'));
    chmodSync(dir, 0o755);
    ctx = await prepareCampaign({ seed: SEED, trials: [], dir, repoRoot: REPO, keepFailed: false });
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs dockd as the service user: not root, no capabilities, no way back, owning all it writes', async () => {
    const paths = trialPaths(path.join(ctx.dir, 'identity'), false);
    await prepareWorld(paths, ctx.user);
    const specFile = path.join(paths.harness, 'run.json');
    writeFileSync(specFile, JSON.stringify({ config: paths.config, recorders: [] }));
    const child = new ChildRun({
      app: ctx.app,
      user: ctx.user,
      specFile,
      logFile: path.join(paths.harness, 'run.log'),
      tmpDir: paths.tmp,
      failpoints: null,
      failpointCounts: paths.failpointCounts,
    });
    assert.ok(await child.until(() => child.of('plugged').length > 0 || child.done, 60_000), 'dockd started');
    assert.equal((await child.terminate()).code, 0, 'dockd stopped cleanly on SIGTERM');
    const id = child.of('identity')[0];
    assert.ok(id, 'the child reported who it runs as');
    assert.equal(id.uid, ctx.user.uid);
    assert.equal(id.gid, ctx.user.gid);
    assert.ok(id.uid !== 0 && id.gid !== 0, 'not root');
    assert.deepEqual(
      [id.capEff, id.capPrm, id.capBnd],
      ['0000000000000000', '0000000000000000', '0000000000000000'],
      'no effective, permitted or bounding capabilities',
    );
    assert.equal(id.noNewPrivs, '1', 'no_new_privs: a setuid program cannot give it root');
    assert.deepEqual(
      await notOwnedBy(paths.world, ctx.user.uid),
      [],
      'everything it wrote is the service user’s',
    );
    // The same way of dropping privileges, asked to do what only root may:
    const [cmd, ...prefix] = asServiceUser(ctx.user);
    const probe = spawnSync(cmd as string, [
      ...prefix,
      process.execPath,
      '-e',
      `const fs = require('fs'); const out = [];
       for (const f of [() => fs.readFileSync('/etc/shadow'), () => fs.chownSync(${JSON.stringify(paths.config)}, 0, 0),
                        () => process.setuid(0)]) { try { f(); out.push('allowed'); } catch (e) { out.push(e.code); } }
       console.log(out.join(' '));`,
    ]);
    assert.equal(probe.stdout.toString().trim(), 'EACCES EPERM EPERM');
    assert.throws(() =>
      execFileSync(cmd as string, [...prefix, 'mount', '-t', 'tmpfs', 'x', paths.tmp], { stdio: 'pipe' }),
    );
  });

  it(`keeps every invariant over ${TRIALS} seeded trials (seed ${SEED})`, { timeout: 900_000 }, async () => {
    const started = Date.now();
    const records: TrialRecord[] = new Array(TRIALS);
    let next = 0;
    const worker = async () => {
      while (next < TRIALS) {
        const n = next++;
        records[n] = await runTrial(planTrial(SEED, n), ctx);
      }
    };
    await Promise.all(Array.from({ length: JOBS }, worker));
    const seconds = (Date.now() - started) / 1000;
    const out = path.join(REPO, 'test-output', 'crash');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, 'slice.json'),
      JSON.stringify({ seed: SEED, seconds, summary: summarise(records), trials: records }, null, 2),
    );
    const lines = records.flatMap(findingLines);
    const summary = table(records, seconds);
    assert.equal(
      lines.length,
      0,
      `${summary}\n\n${lines.slice(0, 40).join('\n')}${lines.length > 40 ? `\n… ${lines.length - 40} more in test-output/crash/slice.json` : ''}`,
    );
  });
});
