import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The FUSE layer's program (Debian's python3 with python3-fusepy). */
export const POWERCUT_FS = path.join(import.meta.dirname, 'powercut_fs.py');
const PYTHON = '/usr/bin/python3';

/** What a power cut threw away. */
export interface CutReport {
  readonly filesRolledBack: number;
  readonly bytesDropped: number;
  readonly entriesDropped: number;
  readonly anomalies: readonly string[];
}

/** Where the layer's files go: the backing folder holds the data, the mount point shows it. */
export interface PowerCutPaths {
  readonly backing: string;
  readonly mountPoint: string;
  readonly socket: string;
  readonly log: string;
}

/** Throw a clear error when the layer cannot run here (no fusepy, no /dev/fuse, not root). */
export function checkPowerCutSupport(): void {
  if (process.getuid?.() !== 0) throw new Error('the power-cut layer mounts FUSE as root: run as root');
  if (!existsSync('/dev/fuse')) throw new Error('/dev/fuse is missing: the power-cut layer needs FUSE');
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${PYTHON} cannot import fusepy: install python3-fusepy (make crash does)`);
  }
}

function mounted(mountPoint: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === mountPoint);
}

/**
 * A mounted power-cut layer (powercut_fs.py): files written through `mountPoint` land in
 * `backing`, and `cut()` throws away every change that was not fsynced, as a power loss would.
 */
export class PowerCutMount {
  private constructor(
    readonly paths: PowerCutPaths,
    private readonly proc: ChildProcess,
  ) {}

  /** Mount the layer and wait until it answers. */
  static async start(paths: PowerCutPaths, timeoutMs = 15_000): Promise<PowerCutMount> {
    await mkdir(paths.backing, { recursive: true });
    await mkdir(paths.mountPoint, { recursive: true });
    const log = openSync(paths.log, 'a');
    const proc = spawn(PYTHON, ['-B', POWERCUT_FS, paths.backing, paths.mountPoint, paths.socket], {
      stdio: ['ignore', log, log],
    });
    const mount = new PowerCutMount(paths, proc);
    // If the harness dies first, the layer goes with it (auto_unmount then unmounts it).
    const reap = () => proc.kill('SIGKILL');
    process.once('exit', reap);
    proc.once('exit', () => process.off('exit', reap));
    const start = Date.now();
    while (!(mounted(paths.mountPoint) && existsSync(paths.socket))) {
      if (proc.exitCode !== null || Date.now() - start > timeoutMs) {
        proc.kill('SIGKILL');
        throw new Error(
          `the power-cut layer did not mount ${paths.mountPoint}: ${readFileSync(paths.log, 'utf8').slice(-800)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await mount.command('stats');
    return mount;
  }

  /** The power goes: every change not made durable is rolled back; requests fail until boot(). */
  async cut(): Promise<CutReport> {
    return (await this.command('cut')) as unknown as CutReport;
  }

  /** The power comes back: the layer serves again, with what survived as its durable state. */
  async boot(): Promise<void> {
    await this.command('boot');
  }

  /** Unmount and end the layer's process. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      await this.command('exit').catch(() => {});
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (mounted(this.paths.mountPoint)) execFileSync('umount', ['-l', this.paths.mountPoint]);
  }

  /** Send one control command; resolves with the layer's JSON answer, rejects when it says not ok. */
  command(line: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.paths.socket);
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(`${line}\n`));
      socket.on('data', (d: string) => {
        buffer += d;
        if (!buffer.includes('\n')) return;
        socket.end();
        const answer = JSON.parse(buffer.slice(0, buffer.indexOf('\n'))) as Record<string, unknown>;
        if (answer.ok === true) resolve(answer);
        else reject(new Error(`the power-cut layer refused '${line}': ${String(answer.error)}`));
      });
      socket.on('error', reject);
    });
  }
}

/** A layer of a test, mounted at `mnt` below a fresh temp folder `root`. */
export interface TempPowerCut {
  readonly root: string;
  readonly mnt: string;
  readonly layer: PowerCutMount;
  /** Unmount the layer and remove the temp folder. */
  stop(): Promise<void>;
}

/**
 * Check the layer can run, then mount it below a new temp folder (made walkable by every user
 * when the service user must reach the mount).
 */
export async function tempPowerCut(prefix: string, walkable = false): Promise<TempPowerCut> {
  checkPowerCutSupport();
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (walkable) await chmod(root, 0o755);
  const mnt = path.join(root, 'mnt');
  const layer = await PowerCutMount.start({
    backing: path.join(root, 'disk', 'fs'),
    mountPoint: mnt,
    socket: path.join(root, 'control.sock'),
    log: path.join(root, 'layer.log'),
  });
  return {
    root,
    mnt,
    layer,
    async stop() {
      await layer.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
