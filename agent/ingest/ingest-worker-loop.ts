import { parentPort } from 'node:worker_threads';
import type { SourceOpener, SourceSpec } from '../../drivers/contract/source.ts';
import { BufferPool } from './buffer-pool.ts';
import { toWire } from './errors.ts';
import { headDigest } from './head-digest.ts';
import { preloadLibc } from './page-cache.ts';
import { runSealPass, type SealJob } from './seal-pass.ts';
import { runVerifyPass } from './verify-pass.ts';

/** A request from the pool to a worker. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'seal'; readonly job: SealJob }
  | {
      readonly id: number;
      readonly kind: 'verify';
      readonly file: string;
      readonly bufferBytes: number;
      readonly totalBytes: number;
    }
  | { readonly id: number; readonly kind: 'head'; readonly source: SourceSpec; readonly bytes: number };

/** A message from a worker back to the pool. */
export type WorkerReply =
  | {
      readonly id: number;
      readonly type: 'progress';
      readonly bytesDone: number;
      readonly bytesTotal: number;
    }
  | { readonly id: number; readonly type: 'done'; readonly result: unknown }
  | { readonly id: number; readonly type: 'error'; readonly error: ReturnType<typeof toWire> }
  /** The worker has loaded what it loads once (the C library) and may be stopped safely. */
  | { readonly id: 0; readonly type: 'ready' };

/** This worker thread's I/O buffers, shared by the tasks it runs one after another or side by side. */
const buffers = new BufferPool();

async function handle(request: WorkerRequest, opener: SourceOpener): Promise<unknown> {
  if (request.kind === 'seal') {
    const progress = (bytesDone: number, bytesTotal: number) =>
      post({ id: request.id, type: 'progress', bytesDone, bytesTotal });
    return runSealPass(request.job, progress, opener, buffers);
  }
  if (request.kind === 'head') return headDigestOf(request.source, request.bytes, opener);
  const total = request.totalBytes;
  const progress = (bytesDone: number) =>
    post({ id: request.id, type: 'progress', bytesDone, bytesTotal: total });
  return runVerifyPass(request.file, request.bufferBytes, progress, buffers);
}

/** SHA-256 of a recorder file's first `bytes` bytes (or all of it, when shorter). */
async function headDigestOf(spec: SourceSpec, bytes: number, opener: SourceOpener): Promise<string> {
  const source = await opener(spec);
  try {
    return await headDigest((b, o, l, p) => source.read(b, o, l, p), Math.min(bytes, source.size), buffers);
  } finally {
    await source.close();
  }
}

function post(reply: WorkerReply): void {
  parentPort?.postMessage(reply);
}

/**
 * Serve the pool's requests in this worker thread, opening recorder files with `opener`. Called
 * by a worker entry module, which picks the opener: agent/ingest/ingest-worker.ts (real recorder
 * volumes) or the simulator's entry in drivers/sim/.
 */
export function serveIngestRequests(opener: SourceOpener): void {
  // Load libc through koffi now, not in the middle of the first copy: a native addon whose
  // loading is cut by the pool stopping this thread aborts the whole process (node-addon-api
  // treats the failed throw as fatal). The pool stops a thread only after this message.
  preloadLibc();
  post({ id: 0, type: 'ready' });
  parentPort?.on('message', (request: WorkerRequest) => {
    const subject =
      request.kind === 'seal'
        ? request.job.source.path
        : request.kind === 'head'
          ? request.source.path
          : request.file;
    handle(request, opener).then(
      (result) => post({ id: request.id, type: 'done', result }),
      (err: unknown) => post({ id: request.id, type: 'error', error: toWire(err, subject) }),
    );
  });
}
