// The off-site transfer thread (transfer-thread.ts starts it): writes vault files to the store and
// reads copies back to hash them, so footage streams never run on dockd's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { CopyWindows } from './copy-windows.ts';
import { CopyPausedError } from './object-writer.ts';
import { createOffsiteStore } from './offsite-config.ts';
import type { OffsiteStore } from './offsite-store.ts';
import type {
  TransferError,
  TransferReply,
  TransferRequest,
  TransferThreadSetup,
} from './transfer-messages.ts';
import { LocalTransfers } from './transfers.ts';

const port = parentPort;
if (!port) throw new Error('transfer-worker.ts runs only as a worker thread (transfer-thread.ts starts it)');
const setup = workerData as TransferThreadSetup;
const post = (m: TransferReply): void => port.postMessage(m);

/** Progress is sent at most every PROGRESS_MS, not per chunk. */
const PROGRESS_MS = 200;
let unsent = 0;
let progressTimer: NodeJS.Timeout | null = null;
function flushBytes(): void {
  if (progressTimer) clearTimeout(progressTimer);
  progressTimer = null;
  if (unsent > 0) post({ type: 'bytes', bytes: unsent });
  unsent = 0;
}
function countBytes(n: number): void {
  unsent += n;
  progressTimer ??= setTimeout(flushBytes, PROGRESS_MS);
}

function toWire(err: unknown): TransferError {
  const e = err as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.$metadata?.httpStatusCode === 'number'
      ? { httpStatusCode: e.$metadata.httpStatusCode }
      : {}),
    paused: err instanceof CopyPausedError,
  };
}

// Log lines go to dockd's logger on the main thread, which writes them with its own fields.
const logger = pino(
  { level: setup.logLevel, base: undefined },
  { write: (line: string) => post({ type: 'log', line }) },
);
const windows = new CopyWindows(setup.windows, setup.timeZone);
let stopped = false;
/** The store and the transfers over it, built once (reading a credentials file may take a moment). */
async function open(): Promise<{ store: OffsiteStore; transfers: LocalTransfers }> {
  const store = await createOffsiteStore({ target: setup.target });
  const transfers = new LocalTransfers(store, {
    journalDir: setup.journalDir,
    bytesPerSecond: setup.bytesPerSecond,
    multipartThreshold: setup.multipartThreshold,
    partSize: setup.partSize,
    partConcurrency: setup.partConcurrency,
    logger,
    now: () => new Date(),
    onBytes: countBytes,
    mayContinue: () => !stopped && windows.isOpen(Date.now()),
  });
  if (stopped) transfers.abort();
  return { store, transfers };
}
const opened = open();
const inFlight = new Set<Promise<void>>();

function track(id: number, work: Promise<TransferReply>): void {
  const done = work.then(
    (reply) => {
      flushBytes();
      post(reply);
    },
    (err: unknown) => {
      flushBytes();
      post({ type: 'failed', id, error: toWire(err) });
    },
  );
  inFlight.add(done);
  void done.finally(() => inFlight.delete(done));
}

async function close(): Promise<void> {
  stopped = true;
  const { store, transfers } = await opened;
  transfers.abort();
  await Promise.allSettled([...inFlight]);
  await store.close();
  flushBytes();
  post({ type: 'closed' });
  port?.close();
}

/** Apply `fn` to the transfers once they are open. */
function whenOpen(fn: (transfers: LocalTransfers) => void): void {
  opened.then(
    ({ transfers }) => fn(transfers),
    // Nothing to stop or resume: the failure to open is logged once, and every request fails with it.
    () => undefined,
  );
}

port.on('message', (m: TransferRequest) => {
  switch (m.type) {
    case 'write':
      track(
        m.id,
        opened.then(async ({ transfers }) => ({
          type: 'written',
          id: m.id,
          version: await transfers.write(m.job),
        })),
      );
      break;
    case 'readBack':
      track(
        m.id,
        opened.then(async ({ transfers }) => ({
          type: 'readBack',
          id: m.id,
          result: await transfers.readBack(m.version, m.seal),
        })),
      );
      break;
    case 'abort':
      stopped = true;
      whenOpen((transfers) => transfers.abort());
      break;
    case 'resume':
      stopped = false;
      whenOpen((transfers) => transfers.resume());
      break;
    case 'close':
      void close().catch((err: unknown) => {
        logger.error({ err }, 'offsite transfer thread: closing failed');
        port.close();
      });
      break;
  }
});
opened.then(
  () => post({ type: 'ready' }),
  // The store could not be built (an unreadable credentials file): every request fails with this.
  (err: unknown) => logger.error({ err }, 'offsite transfer thread: the store could not be opened'),
);
