import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = 'test/fixtures/ops/notify-child.ts';

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD],
      { cwd: REPO, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never appeared`);
}

/** A real AF_UNIX datagram socket, as systemd's notify socket, received by socat. */
describe('sd_notify over a real unix datagram socket', () => {
  let dir: string;
  let socket: string;
  let receiver: ChildProcess;
  let received = '';

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sd-notify-'));
    socket = path.join(dir, 'notify.sock');
    receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, 'STDOUT'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    receiver.stdout?.setEncoding('utf8');
    receiver.stdout?.on('data', (chunk: string) => {
      received += chunk;
    });
    await waitFor(socket);
  });

  after(async () => {
    receiver.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers READY=1, WATCHDOG=1 while healthy, and STOPPING=1; a failing check withholds pings', async () => {
    const r = await runChild({ NOTIFY_SOCKET: socket, WATCHDOG_USEC: '2000000' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pings=3');
    await new Promise((res) => setTimeout(res, 200));
    assert.ok(received.includes('STATUS=starting'), received);
    assert.ok(received.includes('READY=1\nSTATUS=ledger open, watchers running'), received);
    assert.equal(received.split('WATCHDOG=1').length - 1, 3, 'one datagram per healthy round');
    assert.ok(received.includes('STATUS=unhealthy: ledger: ledger not writable'), received);
    assert.ok(received.includes('STOPPING=1'), received);
    assert.ok(received.indexOf('READY=1') < received.indexOf('WATCHDOG=1'));
  });

  it('exits 78 with one sentence when the socket cannot be reached', async () => {
    const r = await runChild({
      NOTIFY_SOCKET: path.join(dir, 'nobody-listens.sock'),
      WATCHDOG_USEC: '2000000',
    });
    assert.equal(r.code, 78);
    assert.match(
      r.stderr,
      /^dockd: systemd notification cannot work here \(sending to .* failed with errno 2\): /,
    );
    assert.ok(!r.stderr.includes('    at '));
  });

  it('exits 78 when the unit sets a watchdog but gives no socket', async () => {
    const r = await runChild({ NOTIFY_SOCKET: '', WATCHDOG_USEC: '2000000' });
    assert.equal(r.code, 78);
    assert.match(r.stderr, /WatchdogSec= but NOTIFY_SOCKET is not set/);
  });
});
