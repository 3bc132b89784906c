import type { Logger } from 'pino';
import type { DockConfig } from '../config/dock-config.ts';
import { Ingester } from '../ingest/ingester.ts';
import { VaultLayout } from '../ingest/vault.ts';
import { IngestWorkerPool } from '../ingest/worker-pool.ts';

/**
 * An ingester with its own worker pool, for one-shot CLI use, on the configuration's vault and
 * tuning; `close` stops the workers.
 */
export function createIngestRuntime(
  config: DockConfig,
  logger: Logger,
): { ingester: Ingester; close(): Promise<void> } {
  const pool = new IngestWorkerPool(config.ingest.maxConcurrentIngests ?? undefined);
  const ingester = new Ingester({
    pool,
    layout: new VaultLayout(config.paths),
    logger,
    tuning: config.ingest.tuning,
  });
  return { ingester, close: () => pool.close() };
}
