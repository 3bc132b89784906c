import { promises as fsp } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorkerThread, workerEntryUrl } from '../ingest/worker-thread.ts';
import type { ProbeReply, ProbeRequest } from './media-probe-worker.ts';
import { findMoov } from './mp4-boxes.ts';

/** What the movie header of a sealed clip says, or why there is none. */
export type MovieProbe =
  | { readonly ok: true; readonly created: Date; readonly durationMs: number }
  | { readonly ok: false; readonly reason: 'no-moov' | 'unparseable' | 'not-mp4' };

/** Reads the movie header (`mvhd`) of a file; never throws for what the file holds. */
export interface MediaProbe {
  probe(absPath: string): Promise<MovieProbe>;
  close(): Promise<void>;
}

/** Limits of one probe: a hostile movie box gets this much heap and time, then its worker ends. */
export interface ProbeLimits {
  readonly heapMb: number;
  readonly timeoutMs: number;
  /** A `moov` box larger than this is not parsed (real ones are well under a few MiB). */
  readonly maxMoovBytes: number;
}

/**
 * A minimal `ftyp` box put before the `moov` handed to mp4box, which reads the file type before
 * it reports a movie (the file's own `ftyp` may be absent in QuickTime files).
 */
const FTYP = Uint8Array.from([0, 0, 0, 20, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isom')]);

const DEFAULT_LIMITS: ProbeLimits = { heapMb: 64, timeoutMs: 10_000, maxMoovBytes: 32 * 1024 * 1024 };

/**
 * The media probe isolated from the dock: the top-level boxes are walked here (bounded, headers
 * only) and the `moov` box alone goes to mp4box in a worker thread with a heap limit and a time
 * limit. A box that makes mp4box allocate without end (an `stsz` claiming 0xFFFFFF05 samples) or
 * loop ends that worker, which is replaced; the clip is then reported unparseable. Recorder files
 * are hostile input: nothing in them can crash, hang or bloat the daemon.
 */
export class IsolatedMediaProbe implements MediaProbe {
  private worker: { readonly thread: Worker; readonly ready: Promise<boolean> } | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly limits: ProbeLimits;

  constructor(limits: Partial<ProbeLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Probe one file; calls are served one at a time. */
  probe(absPath: string): Promise<MovieProbe> {
    const run = this.queue.then(() => this.probeNow(absPath));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.thread.terminate();
  }

  private async probeNow(absPath: string): Promise<MovieProbe> {
    const handle = await fsp.open(absPath, 'r');
    let bytes: Uint8Array;
    try {
      const where = await findMoov(handle, (await handle.stat()).size);
      if (!where.found) return { ok: false, reason: where.reason };
      if (where.size > this.limits.maxMoovBytes) return { ok: false, reason: 'unparseable' };
      bytes = new Uint8Array(FTYP.length + where.size);
      bytes.set(FTYP);
      const { bytesRead } = await handle.read(bytes, FTYP.length, where.size, where.offset);
      if (bytesRead !== where.size) return { ok: false, reason: 'no-moov' };
    } finally {
      await handle.close();
    }
    const reply = await this.ask(bytes);
    const m = reply?.movie;
    if (!m || !(m.timescale > 0)) return { ok: false, reason: 'unparseable' };
    const durationMs = Math.round((m.duration / m.timescale) * 1000);
    if (!Number.isFinite(durationMs) || durationMs < 0 || !Number.isFinite(m.created))
      return { ok: false, reason: 'unparseable' };
    return { ok: true, created: new Date(m.created), durationMs };
  }

  /** Send the box to the worker; null when the worker died, ran out of heap or time. */
  private async ask(bytes: Uint8Array): Promise<ProbeReply | null> {
    const started = this.ensureWorker();
    if (!(await started.ready)) return null;
    const worker = started.thread;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (reply: ProbeReply | null) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onFailure);
        resolve(reply);
      };
      const onMessage = (reply: ProbeReply) => {
        if (reply?.id === id) done(reply);
      };
      const onFailure = () => {
        this.drop(worker);
        done(null);
      };
      const timer = setTimeout(onFailure, this.limits.timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onFailure);
      worker.once('exit', onFailure);
      const request: ProbeRequest = { id, bytes };
      worker.postMessage(request);
    });
  }

  /** The worker, started when first needed; `ready` resolves once it has loaded (false: it failed). */
  private ensureWorker(): { readonly thread: Worker; readonly ready: Promise<boolean> } {
    if (this.worker) return this.worker;
    const thread = startProbeWorker(this.limits.heapMb);
    thread.unref();
    thread.on('error', () => this.drop(thread)); // a hostile box: this worker is done for
    const ready = new Promise<boolean>((resolve) => {
      thread.once('message', () => resolve(true));
      thread.once('exit', () => resolve(false));
    });
    this.worker = { thread, ready };
    return this.worker;
  }

  private drop(worker: Worker): void {
    if (this.worker?.thread === worker) this.worker = null;
    void worker.terminate();
  }
}

/** Start the probe worker with its heap limit. */
function startProbeWorker(heapMb: number): Worker {
  return startWorkerThread(workerEntryUrl(import.meta.url, 'media-probe-worker'), {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
  });
}
