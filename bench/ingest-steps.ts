// The ingest core's own steps in the ingest bench: the seal and verify passes on the big file,
// and the 50-file set with and without verify. Peers are in bench-peers.ts.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Ingester } from '../agent/ingest/ingester.ts';
import { DEFAULT_SEAL_TUNING, type SealOutcome, type SealTuning } from '../agent/ingest/seal-pass.ts';
import { VaultLayout } from '../agent/ingest/vault.ts';
import type { VerifyOutcome } from '../agent/ingest/verify-pass.ts';
import type { IngestWorkerPool } from '../agent/ingest/worker-pool.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { pathsUnder } from '../agent/paths.ts';
import { cachedBytes } from './bench-machine.ts';
import type { Timing } from './bench-peers.ts';

/** What the steps work on. */
export interface IngestBenchFiles {
  readonly pool: IngestWorkerPool;
  readonly layout: VaultLayout;
  readonly vaultDir: string;
  readonly bigFile: string;
  readonly bigBytes: number;
  readonly setFiles: readonly string[];
  readonly setBytes: number;
}

const MB = 1e6;

/** The bench's files under `root`: a vault under `root/state`, the big file and the set. */
export function benchFiles(
  root: string,
  pool: IngestWorkerPool,
  sizes: { bigBytes: number; setCount: number; setBytes: number },
): IngestBenchFiles {
  const paths = pathsUnder(path.join(root, 'state'));
  return {
    pool,
    layout: new VaultLayout(paths),
    vaultDir: paths.vaultDir,
    bigFile: path.join(root, 'big.mp4'),
    bigBytes: sizes.bigBytes,
    setFiles: Array.from({ length: sizes.setCount }, (_, i) =>
      path.join(root, 'set', `clip-${String(i).padStart(3, '0')}.mp4`),
    ),
    setBytes: sizes.setBytes,
  };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** Time `work` in wall and CPU seconds of this whole process (main thread, workers, libuv threads). */
export async function timed<T>(work: () => Promise<T>): Promise<Timing & { value: T }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  return { wallS: (performance.now() - t0) / 1000, cpuS: cpuSeconds(cpu0), value };
}

/** Seal one file into a fresh staged part (no verify); returns the outcome and the part's paths. */
async function sealOnce(
  f: IngestBenchFiles,
  source: string,
  tuning: SealTuning,
): Promise<{ outcome: SealOutcome; stagedPath: string; statePath: string }> {
  await f.layout.ensureDirs();
  const key = `bench:${path.basename(source)}:${performance.now()}`;
  const { stagedPath, statePath } = f.layout.stagingFor(key);
  const job = { source: { path: source }, resumeKey: key, stagedPath, statePath, tuning };
  const outcome = await f.pool.run<SealOutcome>({ kind: 'seal', job });
  return { outcome, stagedPath, statePath };
}

async function removePart(part: { stagedPath: string; statePath: string }): Promise<void> {
  await fsp.rm(part.stagedPath, { force: true });
  await fsp.rm(part.statePath, { force: true });
}

/**
 * The seal pass on the big file, then its verify pass: throughput, CPU, the event loop's delay
 * during both, and how much of the copy the page cache still holds afterwards.
 */
export async function sealAndVerify(
  f: IngestBenchFiles,
  tuning: SealTuning = DEFAULT_SEAL_TUNING,
): Promise<Record<string, number>> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const seal = await timed(() => sealOnce(f, f.bigFile, tuning));
  const part = seal.value;
  const verify = await timed(() =>
    f.pool.run<VerifyOutcome>({
      kind: 'verify',
      file: part.stagedPath,
      bufferBytes: tuning.bufferBytes,
      totalBytes: f.bigBytes,
    }),
  );
  eld.disable();
  const cached = cachedBytes(part.stagedPath);
  await removePart(part);
  return {
    seal_s: seal.wallS,
    seal_mb_s: f.bigBytes / MB / seal.wallS,
    seal_cpu_s: seal.cpuS,
    seal_cpu_s_per_gb: seal.cpuS / (f.bigBytes / 1e9),
    seal_o_direct: part.outcome.writeMode === 'o-direct' ? 1 : 0,
    verify_mb_s: f.bigBytes / MB / verify.wallS,
    verify_o_direct: verify.value.method === 'o-direct' ? 1 : 0,
    event_loop_p99_ms: eld.percentile(99) / 1e6,
    ...(cached === null ? {} : { page_cache_left_mb: cached / MB }),
  };
}

/** The whole ingest of the set (seal, verify overlapped with the next copy, publish). */
export async function setIngest(f: IngestBenchFiles): Promise<Record<string, number>> {
  const ingester = new Ingester({ pool: f.pool, layout: f.layout, logger: silentLogger() });
  const t = await timed(() =>
    ingester.ingestAll(f.setFiles.map((file) => ({ source: { path: file }, resumeKey: `set:${file}` }))),
  );
  const failed = t.value.filter((s) => !s.ok);
  if (failed.length > 0) throw new Error(`set ingest failed: ${failed.length} files`);
  await fsp.rm(path.join(f.vaultDir, 'sha256'), { recursive: true, force: true });
  return { set_ingest_mb_s: (f.setFiles.length * f.setBytes) / MB / t.wallS };
}

/** The set through the seal pass alone, one file after another as one recorder's link gives them. */
export async function setSealOnly(f: IngestBenchFiles): Promise<Record<string, number>> {
  const t = await timed(async () => {
    const parts = [];
    for (const file of f.setFiles) parts.push(await sealOnce(f, file, DEFAULT_SEAL_TUNING));
    return parts;
  });
  for (const part of t.value) await removePart(part);
  return { set_seal_only_mb_s: (f.setFiles.length * f.setBytes) / MB / t.wallS };
}
