import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The URL of a worker entry module beside `base` (a module's import.meta.url): `name.ts` when run
 * from source, `name.js` when bundled (the bundle puts worker entries next to the main one).
 */
export function workerEntryUrl(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}

/**
 * Start a worker thread on an entry module. From TypeScript source (development, tests) the
 * worker first registers the tsx loader, which tsx does not pass on to worker threads itself; a
 * bundled build loads its .js file directly.
 */
export function startWorkerThread(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const href = JSON.stringify(entry.href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${href}); });`, {
    ...options,
    eval: true,
  });
}
