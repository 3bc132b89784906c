import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { DockError } from '../errors.ts';
import { fromWire } from './errors.ts';
import type { WorkerReply, WorkerRequest } from './ingest-worker-loop.ts';
import { startWorkerThread, workerEntryUrl } from './worker-thread.ts';

/** A worker request before the pool numbers it. */
export type IngestTaskRequest = WorkerRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never;
type Request = IngestTaskRequest;
type Progress = (bytesDone: number, bytesTotal: number) => void;

/** What the ingester needs from a pool: run one task off the main thread. */
export interface IngestTaskRunner {
  run<T>(request: IngestTaskRequest, onProgress?: Progress): Promise<T>;
}

interface Task {
  readonly id: number;
  readonly request: Request;
  readonly onProgress: Progress;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

/**
 * A fixed pool of ingest worker threads (default: one per core). Copy loops and hashing run in the
 * workers so the main event loop (page, API, ledger) stays responsive. Tasks run first come,
 * first served; a worker that dies fails its task and is replaced.
 */
export class IngestWorkerPool implements IngestTaskRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number = availableParallelism(),
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`worker pool size must be ≥ 1, got ${size}`);
  }

  /** Run one request in a worker; resolves with the worker's result or rejects with a typed error. */
  run<T>(request: Request, onProgress: Progress = () => {}): Promise<T> {
    if (this.closed)
      return Promise.reject(new DockError('POOL_CLOSED', 'the ingest worker pool is shut down'));
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        request,
        onProgress,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Tasks waiting for a worker plus tasks running. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.task !== null).length;
  }

  /** Stop every worker. Running tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new DockError('POOL_CLOSED', 'the ingest worker pool is shut down'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.postMessage({ ...task.request, id: task.id });
    }
  }

  private idleSlot(): Slot | null {
    const idle = this.slots.find((s) => s.task === null);
    if (idle) return idle;
    if (this.slots.length >= this.size) return null;
    const slot: Slot = { worker: startWorkerThread(this.workerUrl), task: null };
    slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    slot.worker.on('error', (err) => this.onWorkerDeath(slot, err));
    slot.worker.on('exit', (code) =>
      this.onWorkerDeath(slot, new Error(`ingest worker exited with code ${code}`)),
    );
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    if (reply.type === 'progress') {
      task.onProgress(reply.bytesDone, reply.bytesTotal);
      return;
    }
    slot.task = null;
    if (reply.type === 'done') task.resolve(reply.result);
    else task.reject(fromWire(reply.error));
    this.dispatch();
  }

  private onWorkerDeath(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.task?.reject(
      new DockError(
        'WORKER_DIED',
        `an ingest worker stopped unexpectedly (${err.message}); the file will be retried on the next dock`,
        { cause: err },
      ),
    );
    slot.task = null;
    if (!this.closed) this.dispatch();
  }
}

/**
 * The worker module beside this one: `ingest-worker.ts` when run from source, `ingest-worker.js`
 * when bundled (the bundle puts the worker entry next to the main one).
 */
export function defaultWorkerUrl(): URL {
  return workerEntryUrl(import.meta.url, 'ingest-worker');
}

/** The simulator's worker entry (sim-ingest-worker.ts): files opened with planned read faults. */
export function simWorkerUrl(): URL {
  return workerEntryUrl(import.meta.url, 'sim-ingest-worker');
}
