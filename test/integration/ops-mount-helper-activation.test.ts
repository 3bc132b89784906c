import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../agent/ops/logger.ts';
import { PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * recorder-dock-mountd as systemd starts it: on the first connection to its socket, with the
 * listening descriptor passed as fd 3 (systemd-socket-activate does what the .socket unit does),
 * and exiting again when idle.
 */
describe('mount helper under socket activation', () => {
  let dir: string;
  let activator: ChildProcess;
  let log = '';
  let exited: Promise<number | null>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mountd-activation-'));
    const config = path.join(dir, 'config.yaml');
    await writeFile(config, `version: 2\npaths:\n  stateDir: ${dir}/state\n  runDir: ${dir}/run\n`);
    const socket = path.join(dir, 'mountd.sock');
    activator = spawn(
      'systemd-socket-activate',
      [
        '-l',
        socket,
        process.execPath,
        '--import',
        'tsx',
        'agent/bin/recorder-dock-mountd.ts',
        '--config',
        config,
        '--user',
        'root',
        '--idle-exit',
        '1',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const s of [activator.stdout, activator.stderr])
      s?.on('data', (d: Buffer) => {
        log += d.toString();
      });
    exited = new Promise((resolve) => activator.once('exit', (code) => resolve(code)));
    for (
      let i = 0;
      i < 100 &&
      !(await stat(socket).then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
  });

  after(async () => {
    activator.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers on the passed descriptor, then exits when idle', async () => {
    const client = new PrivilegedVolumeMounter({
      socketPath: path.join(dir, 'mountd.sock'),
      log: silentLogger(),
      connectTimeoutMs: 20_000,
    });
    assert.match(await client.ping(), /^\d+\.\d+\.\d+/);
    assert.equal(await exited, 0, log);
    assert.match(log, /"msg":"mount helper ready"/);
    assert.match(log, /"msg":"mount helper idle; exiting until the next connection"/);
    assert.ok((await stat(path.join(dir, 'run/mnt'))).isDirectory(), 'it made its mount folder');
  });
});
