// Child process of the ingest bench: ingests one file into a fresh vault and prints its peak RSS.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Ingester } from '../agent/ingest/ingester.ts';
import { VaultLayout } from '../agent/ingest/vault.ts';
import { IngestWorkerPool } from '../agent/ingest/worker-pool.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { pathsUnder } from '../agent/paths.ts';

const [file, stateDir] = process.argv.slice(2);
if (!file || !stateDir) throw new Error('usage: rss-probe FILE STATE_DIR');
const pool = new IngestWorkerPool(2);
const ingester = new Ingester({
  pool,
  layout: new VaultLayout(pathsUnder(stateDir)),
  logger: silentLogger(),
});
const result = await ingester.ingest({
  source: { kind: 'file', path: file },
  resumeKey: `rss:${path.basename(file)}`,
});
await pool.close();
await fsp.rm(stateDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ size: result.size, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
