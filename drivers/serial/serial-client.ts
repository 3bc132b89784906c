import type { Logger } from 'pino';
import { DeviceGoneError, ProtocolError, SerialTimeoutError } from '../errors.ts';
import { decodeLine, encodeFrame, type Frame, MAX_SEQ } from './frame.ts';
import { LineAssembler } from './line-assembler.ts';
import type { SerialLink } from './serial-link.ts';

/** Timing of the request/response exchange. */
export interface SerialClientOptions {
  /** How long to wait for the answer to one attempt. Default 800 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts after a timeout (same sequence number). Default 2. */
  readonly retries?: number;
  /** Pause before asking again after the device answered BUSY. Default 200 ms. */
  readonly busyDelayMs?: number;
  readonly log: Logger;
}

/** What the client saw that was not an answer (diagnostics, and what tests assert on). */
export interface SerialStats {
  noiseLines: number;
  badFrames: number;
  staleFrames: number;
  unsolicited: number;
  retries: number;
}

interface Pending {
  readonly seq: number;
  readonly cmd: string;
  readonly settle: (frame: Frame) => void;
  readonly fail: (err: Error) => void;
}

/**
 * The host side of the command channel: one request at a time, answers matched by sequence
 * number and command, timeouts with retries that reuse the sequence number (the device answers a
 * repeat from its cache without acting twice), and garbage, echoes, stale answers and
 * unsolicited lines skipped.
 */
export class SerialClient {
  readonly stats: SerialStats = { noiseLines: 0, badFrames: 0, staleFrames: 0, unsolicited: 0, retries: 0 };
  private readonly lines = new LineAssembler();
  private pending: Pending | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closedBy: Error | null = null;

  constructor(
    private readonly link: SerialLink,
    private readonly opts: SerialClientOptions,
  ) {
    link.onData((chunk) => {
      for (const line of this.lines.push(chunk)) this.onLine(line);
    });
    link.onClose((err) => {
      this.closedBy = new DeviceGoneError(
        link.name,
        err ? `its port was lost: ${err.message}` : 'its port closed',
      );
      this.pending?.fail(this.closedBy);
    });
  }

  /**
   * Send `cmd` with `args` and resolve with the answer's arguments after OK. Rejects with
   * ProtocolError when the device answers ER, SerialTimeoutError when it never answers, and
   * DeviceGoneError when the port goes away.
   */
  request(cmd: string, args: readonly string[] = []): Promise<string[]> {
    const run = this.tail.then(() => this.exchange(cmd, args));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The port's name, for messages. */
  get portName(): string {
    return this.link.name;
  }

  /** Close the port. */
  close(): Promise<void> {
    return this.link.close();
  }

  private nextSeq(): number {
    this.seq = this.seq >= MAX_SEQ ? 1 : this.seq + 1;
    return this.seq;
  }

  private async exchange(cmd: string, args: readonly string[]): Promise<string[]> {
    const timeoutMs = this.opts.timeoutMs ?? 800;
    const attempts = 1 + (this.opts.retries ?? 2);
    let seq = this.nextSeq();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closedBy) throw this.closedBy;
      if (attempt > 1) this.stats.retries += 1;
      const answer = await this.attempt({ seq, cmd, args }, timeoutMs);
      if (answer === null) continue;
      const [status, ...rest] = answer.args;
      if (status === 'OK') return rest;
      const code = rest[0] ?? 'unknown';
      if (code === 'BUSY' && attempt < attempts) {
        await new Promise((r) => setTimeout(r, this.opts.busyDelayMs ?? 200));
        seq = this.nextSeq();
        continue;
      }
      throw new ProtocolError(this.link.name, `the device refused ${cmd} with ${code}`, code);
    }
    throw this.closedBy ?? new SerialTimeoutError(this.link.name, cmd, attempts);
  }

  /** Send once; the matching answer, or null on timeout. */
  private attempt(frame: Frame, timeoutMs: number): Promise<Frame | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        resolve(null);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.pending = null;
      };
      this.pending = {
        seq: frame.seq,
        cmd: frame.cmd,
        settle: (answer) => {
          done();
          resolve(answer);
        },
        fail: (err) => {
          done();
          reject(err);
        },
      };
      this.link
        .write(encodeFrame(frame))
        .catch((err: unknown) => this.pending?.fail(err instanceof Error ? err : new Error(String(err))));
    });
  }

  private onLine(line: string): void {
    const { verdict, frame } = decodeLine(line);
    if (verdict === 'noise') this.stats.noiseLines += 1;
    if (verdict === 'bad-frame' || verdict === 'bad-crc') this.stats.badFrames += 1;
    if (!frame) return;
    if (frame.seq === 0) {
      this.stats.unsolicited += 1;
      this.opts.log.debug({ port: this.link.name, cmd: frame.cmd }, 'unsolicited device message');
      return;
    }
    const status = frame.args[0];
    const p = this.pending;
    // An echo of our own request carries no status; an old answer carries another number.
    if (p && frame.seq === p.seq && frame.cmd === p.cmd && (status === 'OK' || status === 'ER'))
      p.settle(frame);
    else this.stats.staleFrames += 1;
  }
}
