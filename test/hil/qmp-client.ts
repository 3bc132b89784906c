import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** One asynchronous event QEMU sent (DEVICE_DELETED, SHUTDOWN, …). */
export interface QmpEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

interface Pending {
  readonly command: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** A command QEMU refused: its class and description. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    description: string,
  ) {
    super(`QEMU refused ${command}: ${errorClass}: ${description}`);
  }
}

/**
 * A QEMU Machine Protocol client on a connected socket (QEMU connects to a socket the suite
 * listens on, so there is no race with its start). Commands are answered in order; events are
 * kept for `waitEvent`, which must be armed before the action that causes the event.
 */
export class QmpClient {
  private readonly events = new EventEmitter();
  private readonly pending: Pending[] = [];
  private buffer = '';
  private greeted: Promise<void>;
  private closedError: Error | null = null;

  constructor(private readonly socket: Socket) {
    this.events.setMaxListeners(100);
    let greet: () => void = () => {};
    this.greeted = new Promise((resolve) => {
      greet = resolve;
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line) this.onMessage(JSON.parse(line) as Record<string, unknown>, greet);
      }
    });
    socket.on('close', () => {
      this.closedError = new Error('the QMP connection to QEMU closed');
      for (const p of this.pending.splice(0)) p.reject(this.closedError);
      this.events.emit('closed');
    });
    socket.on('error', () => undefined);
  }

  private onMessage(msg: Record<string, unknown>, greet: () => void): void {
    if ('QMP' in msg) {
      greet();
      return;
    }
    if (typeof msg.event === 'string') {
      this.events.emit('event', { event: msg.event, data: (msg.data ?? {}) as Record<string, unknown> });
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    if ('error' in msg) {
      const e = msg.error as { class?: string; desc?: string };
      p.reject(new QmpError(p.command, e.class ?? 'Error', e.desc ?? 'no description'));
    } else p.resolve(msg.return);
  }

  /** Wait for the greeting and leave capabilities negotiation mode. */
  async start(timeoutMs = 30_000): Promise<void> {
    await withTimeout(this.greeted, timeoutMs, 'the QMP greeting');
    await this.execute('qmp_capabilities');
  }

  /** Run one command; rejects with QmpError when QEMU refuses it. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ command, resolve, reject });
      this.socket.write(
        `${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`,
      );
    });
  }

  /**
   * The next event named `name` for which `match` holds. Arm it before the action that causes
   * the event; it rejects after `timeoutMs` or when QEMU goes away.
   */
  waitEvent(name: string, match: (e: QmpEvent) => boolean, timeoutMs: number): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: QmpEvent) => {
        if (e.event !== name || !match(e)) return;
        done();
        resolve(e);
      };
      const onClosed = () => {
        done();
        reject(new Error(`QEMU went away while waiting for ${name}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.events.off('event', onEvent);
        this.events.off('closed', onClosed);
      };
      this.events.on('event', onEvent);
      this.events.once('closed', onClosed);
    });
  }

  /** Close the connection. */
  close(): void {
    this.socket.destroy();
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
