import type { Socket } from 'node:net';
import { withTimeout } from './qmp-client.ts';

/** What one shell script in the guest returned. */
export interface GuestResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A guest script that exited non-zero when it had to succeed. */
export class GuestCommandError extends Error {
  constructor(
    readonly label: string,
    readonly result: GuestResult,
  ) {
    super(
      `the guest command '${label}' exited ${result.code}: ${result.stderr.trim().split('\n').slice(-8).join(' | ') || result.stdout.trim().split('\n').slice(-4).join(' | ')}`,
    );
  }
}

interface Waiter {
  resolve(r: GuestResult): void;
  reject(err: Error): void;
}

/**
 * The host end of the guest agent (test/hil/guest/hil-agent.sh) on a virtio-serial port. A
 * request is one line `ID BASE64(script)`; the guest runs each request in its own bash, at the
 * same time as others, and answers `ID RC BASE64(stdout) BASE64(stderr)`. The first line the
 * guest sends is `hello`, once multi-user.target is reached.
 */
export class GuestAgent {
  private readonly waiters = new Map<string, Waiter>();
  private buffer = '';
  private next = 1;
  private hello: Promise<GuestResult>;
  private closed: Error | null = null;

  constructor(private readonly socket: Socket) {
    let onHello: (r: GuestResult) => void = () => {};
    this.hello = new Promise((resolve) => {
      onHello = resolve;
    });
    this.waiters.set('hello', { resolve: (r) => onHello(r), reject: () => undefined });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        this.onLine(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
    });
    socket.on('close', () => {
      this.closed = new Error('the guest agent connection closed (the guest stopped)');
      for (const w of this.waiters.values()) w.reject(this.closed);
      this.waiters.clear();
    });
    socket.on('error', () => undefined);
  }

  private onLine(line: string): void {
    const [id = '', rc = '', out = '', err = ''] = line.trim().split(' ');
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter.resolve({
      code: Number(rc),
      stdout: Buffer.from(out, 'base64').toString('utf8'),
      stderr: Buffer.from(err, 'base64').toString('utf8'),
    });
  }

  /** The guest's hello (its kernel release), once it has booted to multi-user.target. */
  waitHello(timeoutMs: number): Promise<GuestResult> {
    return withTimeout(this.hello, timeoutMs, "the guest agent's hello");
  }

  /** Run a bash script in the guest as root; resolves with its exit code and output. */
  run(script: string, timeoutMs = 120_000): Promise<GuestResult> {
    if (this.closed) return Promise.reject(this.closed);
    const id = String(this.next++);
    const answer = new Promise<GuestResult>((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
    });
    this.socket.write(`${id} ${Buffer.from(script, 'utf8').toString('base64')}\n`);
    return withTimeout(answer, timeoutMs, `the guest's answer to '${firstLine(script)}'`).finally(() =>
      this.waiters.delete(id),
    );
  }

  /** Run a script that must succeed; returns its stdout, throws GuestCommandError otherwise. */
  async sh(script: string, timeoutMs = 120_000): Promise<string> {
    const result = await this.run(script, timeoutMs);
    if (result.code !== 0) throw new GuestCommandError(firstLine(script), result);
    return result.stdout;
  }

  /** Close the connection. */
  close(): void {
    this.socket.destroy();
  }
}

function firstLine(script: string): string {
  const line = script.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}
