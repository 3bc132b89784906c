import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFailpoints } from '../../agent/ops/failpoints.ts';

const MODULE = path.join(import.meta.dirname, '../../agent/ops/failpoints.ts');

/** Run a process that hits `x.point` five times (subject 'file-A', then 'file-B'), then says so. */
function run(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: string | null; out: string; pid: number }> {
  const script = `import(${JSON.stringify(MODULE)}).then((m) => {
    process.on('SIGTERM', () => { console.log('terminated cleanly'); process.exit(0); });
    for (let i = 0; i < 5; i++) m.failpoint('x.point', i < 3 ? 'file-A' : 'file-B');
    console.log('survived');
    setTimeout(() => {}, 300);
  });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, DOCK_FAILPOINTS_FD: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('"power"')) setTimeout(() => stoppedThenKill(child.pid as number), 200);
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out, pid: child.pid as number })),
  );
}

let stoppedSeen = false;
function stoppedThenKill(pid: number): void {
  const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  stoppedSeen = state === 'T';
  process.kill(pid, 'SIGKILL');
}

describe('failpoints', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'failpoints-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses name[~subject]=N:action and refuses anything else', () => {
    assert.deepEqual(parseFailpoints('a.b=2:kill; c.d~x/y.MP4=1:power'), [
      { name: 'a.b', subject: null, occurrence: 2, action: 'kill' },
      { name: 'c.d', subject: 'x/y.MP4', occurrence: 1, action: 'power' },
    ]);
    assert.throws(() => parseFailpoints('a.b=0:kill'), /is not name/);
    assert.throws(() => parseFailpoints('a.b=1:explode'), /is not name/);
  });

  it('does nothing when DOCK_FAILPOINTS is unset', async () => {
    const r = await run({});
    assert.equal(r.code, 0);
    assert.match(r.out, /survived/);
  });

  it('kills the process at the N-th hit whose subject matches, after naming the point', async () => {
    const r = await run({ DOCK_FAILPOINTS: 'x.point~file-B=2:kill' });
    assert.equal(r.signal, 'SIGKILL');
    assert.doesNotMatch(r.out, /survived/);
    assert.deepEqual(JSON.parse(r.out.trim()), {
      failpoint: 'x.point',
      subject: 'file-B',
      hit: 2,
      action: 'kill',
    });
  });

  it('stops cleanly on term: the SIGTERM handler runs', async () => {
    const r = await run({ DOCK_FAILPOINTS: 'x.point=1:term' });
    assert.equal(r.code, 0);
    assert.match(r.out, /terminated cleanly/);
  });

  it('freezes the whole process on power, for the harness to cut the power', async () => {
    stoppedSeen = false;
    const r = await run({ DOCK_FAILPOINTS: 'x.point~file-A=3:power' });
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(stoppedSeen, 'the process was stopped (state T) when the harness looked');
    assert.doesNotMatch(r.out, /survived/);
  });

  it('counts hits in a folder when DOCK_FAILPOINTS_DIR is set (shared by worker threads)', async () => {
    const r = await run({ DOCK_FAILPOINTS: 'x.point~file-A=9:kill', DOCK_FAILPOINTS_DIR: dir });
    assert.equal(r.code, 0, 'never reached the 9th hit');
    assert.deepEqual(readdirSync(dir).sort(), ['x.point~file-A.1', 'x.point~file-A.2', 'x.point~file-A.3']);
  });
});
