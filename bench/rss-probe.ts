// Child process of the ingest bench: ingests one file into a fresh vault and prints its peak RSS.
import { promises as fsp, readFileSync } from 'node:fs';
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
  source: { path: file },
  resumeKey: `rss:${path.basename(file)}`,
});
await pool.close();
await fsp.rm(stateDir, { recursive: true, force: true });
// VmHWM, not getrusage's maxRSS: Linux carries ru_maxrss across fork and exec, so a child of the
// (large) bench process would report the parent's peak instead of its own.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(`${JSON.stringify({ size: result.size, maxRssKiB: Number(hwm?.[1]) })}\n`);
