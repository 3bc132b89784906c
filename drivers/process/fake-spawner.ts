import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildProcessLike, SpawnFn, SpawnOptionsLike } from '../contract/ports.ts';

/** How a fake command behaves. */
export interface FakeReply {
  readonly code?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Fail to start with this errno code (ENOENT: the program does not exist). */
  readonly spawnError?: string;
  /** Stay running until the test calls `exit()` on the child (for long-lived monitors). */
  readonly keepRunning?: boolean;
}

/** One recorded spawn: the exact argv, and the child for tests that drive it. */
export interface FakeCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly child: FakeChild;
}

/** A child process twin whose output and exit the test controls. */
export class FakeChild extends EventEmitter implements ChildProcessLike {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin = new PassThrough();
  private exited = false;

  /** Write to the child's stdout as if the program printed it. */
  pushStdout(text: string): void {
    this.stdout.write(text);
  }

  /** End the child with `code` (streams end first, then exit and close, like a real child). */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => {
      this.emit('exit', code, signal);
      this.emit('close', code, signal);
    });
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    this.exit(null, typeof signal === 'string' ? signal : 'SIGTERM');
    return true;
  }
}

/**
 * A spawner twin: records every argv and answers through `handler`. Tests assert on `calls` to
 * see exactly what would have been run (mount options, blockdev targets).
 */
export class FakeSpawner {
  readonly calls: FakeCall[] = [];
  constructor(
    private readonly handler: (command: string, args: readonly string[]) => FakeReply | Promise<FakeReply>,
  ) {}

  /** The SpawnFn to inject. */
  readonly spawn: SpawnFn = (command: string, args: readonly string[], _options: SpawnOptionsLike) => {
    const child = new FakeChild();
    this.calls.push({ command, args: [...args], child });
    void Promise.resolve(this.handler(command, args)).then((reply) => {
      if (reply.spawnError !== undefined) {
        child.emit(
          'error',
          Object.assign(new Error(`spawn ${command} ${reply.spawnError}`), { code: reply.spawnError }),
        );
        return;
      }
      if (reply.stdout) child.stdout.write(reply.stdout);
      if (reply.stderr) child.stderr.write(reply.stderr);
      if (!reply.keepRunning) child.exit(reply.code ?? 0);
    });
    return child;
  };

  /** The recorded argv lines, `command arg arg…`, for compact assertions. */
  argvLines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }
}
