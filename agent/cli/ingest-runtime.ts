import type { Logger } from 'pino';
import { Ingester } from '../ingest/ingester.ts';
import { VaultLayout } from '../ingest/vault.ts';
import { IngestWorkerPool } from '../ingest/worker-pool.ts';
import type { DockPaths } from '../paths.ts';

/** An ingester with its own worker pool, for one-shot CLI use; `close` stops the workers. */
export function createIngestRuntime(
  paths: DockPaths,
  logger: Logger,
): { ingester: Ingester; close(): Promise<void> } {
  const pool = new IngestWorkerPool();
  const ingester = new Ingester({ pool, layout: new VaultLayout(paths), logger });
  return { ingester, close: () => pool.close() };
}
