import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { DockError } from '../errors.ts';
import { fromWire } from './errors.ts';
import type { WorkerReply, WorkerRequest } from './ingest-worker-loop.ts';
import { startWorkerThread, workerEntryUrl } from './worker-thread.ts';

/** The smallest buffer a crowded task gets, whatever the budget: syscalls stay cheap. */
const MIN_CROWDED_BUFFER = 128 << 10;

/**
 * Buffer size of a task started while `running` tasks run in a crowded pool: its share of the
 * budget (three buffers a task), rounded down to a power of two, at most `cap`, at least 128 KiB.
 */
export function crowdedBufferSize(running: number, budget: number, cap: number): number {
  const share = budget / (3 * (running + 1));
  const pow2 = 2 ** Math.floor(Math.log2(Math.max(share, 1)));
  return Math.min(cap, Math.max(MIN_CROWDED_BUFFER, pow2));
}

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
  readonly tasks: Map<number, Task>;
  /** Settles once the worker said it is ready (its native libraries loaded) or it died. */
  readonly started: Promise<void>;
  readonly markStarted: () => void;
}

/** How long close() waits for a starting worker before it stops it anyway. */
const START_WAIT_MS = 10_000;

/** Wait for `started`, at most `ms`. */
async function within(started: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([started, late]);
  clearTimeout(timer);
}

/** How many tasks the pool runs at once, and their buffers when it is crowded. */
export interface PoolOptions {
  /**
   * Tasks one worker thread runs side by side (default 24). A copy waits on its recorder's USB
   * link most of the time, so one thread can hash for many recorders; a fast disk fills a core
   * with one copy, and then side-by-side tasks share it.
   */
  readonly tasksPerWorker?: number;
  /**
   * Buffer size of a task started while more tasks run than there are threads (default 512 KiB):
   * many slow links need neither big buffers nor the memory they would take.
   */
  readonly crowdedBufferBytes?: number;
  /**
   * What the buffers of all tasks may take together when the pool is crowded (default 96 MiB):
   * a task started while n run gets at most budget ÷ (3 × (n + 1)), rounded down to a power of
   * two and never under 128 KiB. Up to 63 tasks (29 recorders copying and verifying) keep the
   * crowded size: make bench-dock measured 256 KiB buffers there 20 % slower and 0.7 CPU-s/GB
   * dearer for 13 MB less peak RSS. Beyond that, memory stays bounded as recorders are added.
   */
  readonly bufferBudgetBytes?: number;
}

/**
 * A fixed pool of ingest worker threads (default: one per core), each running several tasks side
 * by side. Copy loops and hashing run in the workers so the main event loop (page, API, ledger)
 * stays responsive. Tasks start first come, first served, on the least busy thread; a worker that
 * dies fails its tasks and is replaced.
 */
export class IngestWorkerPool implements IngestTaskRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly tasksPerWorker: number;
  private readonly crowdedBufferBytes: number;
  private readonly bufferBudgetBytes: number;

  constructor(
    readonly size: number = availableParallelism(),
    private readonly workerUrl: URL = defaultWorkerUrl(),
    options: PoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`worker pool size must be ≥ 1, got ${size}`);
    this.tasksPerWorker = options.tasksPerWorker ?? 24;
    this.crowdedBufferBytes = options.crowdedBufferBytes ?? 512 << 10;
    this.bufferBudgetBytes = options.bufferBudgetBytes ?? 96 << 20;
    if (!Number.isInteger(this.tasksPerWorker) || this.tasksPerWorker < 1)
      throw new RangeError(`tasks per worker must be ≥ 1, got ${this.tasksPerWorker}`);
  }

  /** Run one request in a worker; resolves with the worker's result or rejects with a typed error. */
  run<T>(request: Request, onProgress: Progress = () => {}): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
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
    return this.queue.length + this.running();
  }

  /** Stop every worker. Waiting and running tasks are rejected with POOL_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(closedError());
    const slots = [...this.slots];
    // A worker cut while it loads a native addon aborts the process: let it finish starting.
    await Promise.all(
      slots.map(async (s) => {
        await within(s.started, START_WAIT_MS);
        await s.worker.terminate();
      }),
    );
    for (const slot of slots) this.onWorkerDeath(slot, new Error('the pool was shut down'));
    this.slots.length = 0;
  }

  private running(): number {
    return this.slots.reduce((n, s) => n + s.tasks.size, 0);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      const running = this.running();
      slot.tasks.set(task.id, task);
      slot.worker.postMessage({
        ...withBuffers(
          task.request,
          running >= this.size,
          crowdedBufferSize(running, this.bufferBudgetBytes, this.crowdedBufferBytes),
        ),
        id: task.id,
      });
    }
  }

  /** The least busy thread with room, starting a new one while there are idle cores. */
  private freeSlot(): Slot | null {
    const least = this.slots.reduce<Slot | null>((a, s) => (a && a.tasks.size <= s.tasks.size ? a : s), null);
    if (least && least.tasks.size === 0) return least;
    if (this.slots.length < this.size) return this.startSlot();
    return least && least.tasks.size < this.tasksPerWorker ? least : null;
  }

  private startSlot(): Slot {
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const slot: Slot = { worker: startWorkerThread(this.workerUrl), tasks: new Map(), started, markStarted };
    slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    slot.worker.on('error', (err) => this.onWorkerDeath(slot, err));
    slot.worker.on('exit', (code) =>
      this.onWorkerDeath(slot, new Error(`ingest worker exited with code ${code}`)),
    );
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      slot.markStarted();
      return;
    }
    const task = slot.tasks.get(reply.id);
    if (!task) return;
    if (reply.type === 'progress') {
      task.onProgress(reply.bytesDone, reply.bytesTotal);
      return;
    }
    slot.tasks.delete(reply.id);
    if (reply.type === 'done') task.resolve(reply.result);
    else task.reject(fromWire(reply.error));
    this.dispatch();
  }

  private onWorkerDeath(slot: Slot, err: Error): void {
    slot.markStarted();
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    for (const task of slot.tasks.values()) {
      task.reject(
        this.closed
          ? closedError()
          : new DockError(
              'WORKER_DIED',
              `an ingest worker stopped unexpectedly (${err.message}); the file will be retried on the next dock`,
              { cause: err },
            ),
      );
    }
    slot.tasks.clear();
    if (!this.closed) this.dispatch();
  }
}

/** What a task of a pool that was shut down fails with (the service is stopping). */
function closedError(): DockError {
  return new DockError(
    'POOL_CLOSED',
    'the ingest worker pool is shut down (the service is stopping); the file is copied on the next dock',
  );
}

/** The request with its buffers cut to `bytes` when the pool is crowded (never enlarged). */
function withBuffers(request: Request, crowded: boolean, bytes: number): Request {
  if (!crowded) return request;
  if (request.kind === 'seal') {
    const tuning = request.job.tuning;
    if (tuning.bufferBytes <= bytes) return request;
    return { ...request, job: { ...request.job, tuning: { ...tuning, bufferBytes: bytes } } };
  }
  if (request.kind === 'verify' && request.bufferBytes > bytes) return { ...request, bufferBytes: bytes };
  return request;
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
