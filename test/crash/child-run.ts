import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import type { CrashApp } from './crash-app.ts';
import type { ChildLine } from './run-spec.ts';
import { asServiceUser, type ServiceUser } from './service-user.ts';

/** A failpoint the child reported before acting on it (agent/ops/failpoints.ts). */
export interface FiredPoint {
  readonly failpoint: string;
  readonly subject: string | null;
  readonly hit: number;
  readonly action: 'kill' | 'term' | 'power';
}

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How to start one run of the crash child. */
export interface ChildRunOptions {
  readonly app: CrashApp;
  readonly user: ServiceUser;
  readonly specFile: string;
  readonly logFile: string;
  readonly tmpDir: string;
  readonly failpoints: string | null;
  readonly failpointCounts: string;
  /** V8 heap limit of the child, MiB: bounds what a hostile file can make it allocate on a shared box. */
  readonly heapMiB?: number;
}

/**
 * One run of the crash child as the service user, in its own process group (so the pty helpers
 * of simulated serial recorders go with it). Collects its telemetry and failpoint reports, keeps
 * everything it prints in `logFile`.
 */
export class ChildRun {
  readonly lines: ChildLine[] = [];
  fired: FiredPoint | null = null;
  /** The last lines it wrote to stderr (a crash's message). */
  readonly stderr: string[] = [];
  readonly exited: Promise<ChildExit>;
  private readonly proc: ChildProcess;
  private readonly log: WriteStream;

  constructor(opts: ChildRunOptions) {
    const [cmd, ...prefix] = asServiceUser(opts.user);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      TMPDIR: opts.tmpDir,
      HOME: opts.tmpDir,
      DOCK_FAILPOINTS_FD: '3',
      DOCK_FAILPOINTS_DIR: opts.failpointCounts,
      ...(opts.failpoints ? { DOCK_FAILPOINTS: opts.failpoints } : {}),
    };
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
    this.log.write(`# ${new Date().toISOString()} failpoints: ${opts.failpoints ?? 'none'}\n`);
    this.proc = spawn(
      cmd as string,
      [
        ...prefix,
        process.execPath,
        `--max-old-space-size=${opts.heapMiB ?? 256}`,
        opts.app.child,
        opts.specFile,
      ],
      { env, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] },
    );
    this.proc.stdin?.on('error', () => {});
    this.readLines(this.proc.stdout, (l) => this.onStdout(l));
    this.readLines(this.proc.stderr, (l) => {
      this.log.write(`stderr: ${l}\n`);
      this.stderr.push(l);
      if (this.stderr.length > 8) this.stderr.shift();
    });
    this.readLines(this.proc.stdio[3] as NodeJS.ReadableStream, (l) => this.onFailpoint(l));
    // 'exit' ends the group (leftover pty helpers hold the pipes); 'close' comes once every
    // line is read.
    const reap = () => this.killGroup(); // if the harness dies first, the run goes with it
    process.once('exit', reap);
    this.proc.once('exit', () => {
      process.off('exit', reap);
      this.killGroup();
    });
    this.exited = new Promise((resolve) =>
      this.proc.once('close', (code, signal) => {
        this.log.write(`# exit code ${code} signal ${signal}\n`);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  /** True once the process has ended. */
  get done(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** Telemetry lines of one kind. */
  of<K extends ChildLine['crash']>(kind: K): Extract<ChildLine, { crash: K }>[] {
    return this.lines.filter((l): l is Extract<ChildLine, { crash: K }> => l.crash === kind);
  }

  /** Write a command line to the child's stdin ('drain'). */
  send(line: string): void {
    this.proc.stdin?.write(`${line}\n`);
  }

  /** Ask for a clean stop (SIGTERM, as systemd), SIGKILL after `graceMs`. */
  async terminate(graceMs = 30_000): Promise<ChildExit> {
    if (!this.done) this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** SIGKILL the whole process group. */
  async kill(): Promise<ChildExit> {
    this.killGroup();
    return this.exited;
  }

  /** The kernel's state letter of the process (T: stopped), or null when it is gone. */
  state(): string | null {
    try {
      return readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? null;
    } catch {
      return null;
    }
  }

  /** Wait until `condition` holds or the child ends; false on timeout. */
  async until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const start = Date.now();
    while (!condition()) {
      if (Date.now() - start > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  /** Close the log once the run is over. */
  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  private killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }

  private onStdout(line: string): void {
    this.log.write(`${line}\n`);
    if (!line.includes('"crash"')) return;
    try {
      const parsed = JSON.parse(line) as ChildLine;
      if (typeof parsed.crash === 'string') this.lines.push(parsed);
    } catch {
      // a log line that mentions the word: not telemetry
    }
  }

  private onFailpoint(line: string): void {
    this.log.write(`failpoint: ${line}\n`);
    try {
      this.fired = JSON.parse(line) as FiredPoint;
    } catch {
      // not a failpoint report
    }
  }

  private readLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (l: string) => void): void {
    let buffer = '';
    stream?.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) onLine(p);
    });
  }
}
