import { parentPort } from 'node:worker_threads';
import { toWire } from './errors.ts';
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
    };

/** A message from a worker back to the pool. */
export type WorkerReply =
  | {
      readonly id: number;
      readonly type: 'progress';
      readonly bytesDone: number;
      readonly bytesTotal: number;
    }
  | { readonly id: number; readonly type: 'done'; readonly result: unknown }
  | { readonly id: number; readonly type: 'error'; readonly error: ReturnType<typeof toWire> };

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.kind === 'seal') {
    return runSealPass(request.job, (bytesDone, bytesTotal) => {
      post({ id: request.id, type: 'progress', bytesDone, bytesTotal });
    });
  }
  const total = request.totalBytes;
  return runVerifyPass(request.file, request.bufferBytes, (bytesDone) => {
    post({ id: request.id, type: 'progress', bytesDone, bytesTotal: total });
  });
}

function post(reply: WorkerReply): void {
  parentPort?.postMessage(reply);
}

parentPort?.on('message', (request: WorkerRequest) => {
  const subject = request.kind === 'seal' ? request.job.source.path : request.file;
  handle(request).then(
    (result) => post({ id: request.id, type: 'done', result }),
    (err: unknown) => post({ id: request.id, type: 'error', error: toWire(err, subject) }),
  );
});
