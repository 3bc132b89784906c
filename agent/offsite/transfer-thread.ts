import type { Worker } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import { startWorkerThread, workerEntryUrl } from '../ingest/worker-thread.ts';
import { CopyPausedError, type WriteJob } from './object-writer.ts';
import type { FolderOffsiteTarget, S3OffsiteTarget } from './offsite-config.ts';
import type { ObjectVersion } from './offsite-store.ts';
import type { ReadBack } from './read-back.ts';
import type {
  TransferError,
  TransferReply,
  TransferRequest,
  TransferThreadSetup,
} from './transfer-messages.ts';
import type { Seal, TransferOptions, Transfers } from './transfers.ts';

/** How long close() waits for the thread to finish its requests before ending it. */
const CLOSE_WAIT_MS = 10_000;

interface Waiting {
  readonly resolve: (reply: TransferReply) => void;
  readonly reject: (err: Error) => void;
}

/** The error a request failed with on the thread, as the copier and storeErrorText read it. */
function fromWire(e: TransferError): Error {
  if (e.paused) {
    const paused = new CopyPausedError('the transfer');
    paused.message = e.message;
    return paused;
  }
  const err = new Error(e.message) as Error & { code?: string; $metadata?: { httpStatusCode: number } };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.httpStatusCode !== undefined) err.$metadata = { httpStatusCode: e.httpStatusCode };
  return err;
}

/**
 * The copier's transfers on a thread of their own (transfer-worker.ts), as dockd runs them: the
 * upload streams, the SDK's request signing and the read-back hashing of gigabytes would otherwise
 * share the event loop with the page, the recorders and the ingest, and keep it late. The thread
 * builds its own client to the same store; the copier keeps the ledger, the locks and the probe.
 * A thread that dies fails its requests (the copier retries with backoff) and is started again by
 * the next request.
 */
export class ThreadTransfers implements Transfers {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly setup: TransferThreadSetup,
    private readonly opts: { readonly logger: Logger; readonly onBytes: (bytes: number) => void },
    private readonly entry: URL = workerEntryUrl(import.meta.url, 'transfer-worker'),
  ) {
    this.log = opts.logger.child({ thread: 'offsite-transfer' });
  }

  write(job: WriteJob): Promise<ObjectVersion> {
    return this.request({ type: 'write', id: 0, job }).then((r) => {
      if (r.type !== 'written') throw new Error(`offsite transfer thread answered ${r.type} to a write`);
      return r.version;
    });
  }

  readBack(version: ObjectVersion, seal: Seal): Promise<ReadBack> {
    return this.request({ type: 'readBack', id: 0, version, seal }).then((r) => {
      if (r.type !== 'readBack') throw new Error(`offsite transfer thread answered ${r.type} to a read-back`);
      return r.result;
    });
  }

  abort(): void {
    this.stopped = true;
    this.worker?.postMessage({ type: 'abort' } satisfies TransferRequest);
  }

  resume(): void {
    this.stopped = false;
    this.worker?.postMessage({ type: 'resume' } satisfies TransferRequest);
  }

  /** Let the thread finish (its requests cut, its journal writes whole), then end it. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ type: 'close' } satisfies TransferRequest);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS);
    });
    if ((await Promise.race([exited, late])) === 'late') {
      this.log.warn({ waitedMs: CLOSE_WAIT_MS }, 'offsite transfer thread did not end: stopping it');
      await w.terminate();
    }
    clearTimeout(timer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = startWorkerThread(this.entry, { workerData: this.setup });
    w.on('message', (m: TransferReply) => this.receive(m));
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => this.lost(w, new Error(`the off-site transfer thread ended (exit code ${code})`)));
    if (this.stopped) w.postMessage({ type: 'abort' } satisfies TransferRequest);
    this.worker = w;
    return w;
  }

  /** The thread is gone: its requests fail (the copier retries), the next one starts a new thread. */
  private lost(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    if (this.waiting.size > 0) this.log.warn({ err }, 'offsite transfer thread lost with requests in flight');
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }

  private request(msg: TransferRequest & { readonly id: number }): Promise<TransferReply> {
    const id = this.nextId++;
    return new Promise<TransferReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread().postMessage({ ...msg, id });
    });
  }

  private receive(m: TransferReply): void {
    switch (m.type) {
      case 'bytes':
        this.opts.onBytes(m.bytes);
        return;
      case 'log':
        this.relay(m.line);
        return;
      case 'written':
      case 'readBack':
      case 'failed': {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.type === 'failed') waiter?.reject(fromWire(m.error));
        else waiter?.resolve(m);
        return;
      }
      case 'ready':
      case 'closed':
        return;
    }
  }

  /** A log line of the thread, written by dockd's logger (its redaction, its destination). */
  private relay(line: string): void {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.log.warn({ line: line.slice(0, 500) }, 'offsite transfer thread wrote an unreadable log line');
      return;
    }
    const { level, msg, time: _time, ...fields } = entry;
    const label = pino.levels.labels[Number(level)] ?? 'info';
    const write = this.log[label as pino.Level].bind(this.log) as (obj: object, msg?: string) => void;
    write(fields, typeof msg === 'string' ? msg : undefined);
  }
}

/**
 * The copier's `transfers` option for dockd: the copier's settings, moved to a thread that builds
 * its own store from `target` and keeps to the copy windows in `timeZone`.
 */
export function transfersOnThread(
  target: S3OffsiteTarget | FolderOffsiteTarget,
  windows: readonly string[],
  timeZone: string,
  logger: Logger,
): (o: TransferOptions) => Transfers {
  return (o) =>
    new ThreadTransfers(
      {
        target,
        journalDir: o.journalDir,
        bytesPerSecond: o.bytesPerSecond,
        multipartThreshold: o.multipartThreshold,
        partSize: o.partSize,
        partConcurrency: o.partConcurrency,
        windows,
        timeZone,
        logLevel: logger.level,
      },
      { logger, onBytes: o.onBytes },
    );
}
