// `make bench`, ingest section: the seal and verify passes against peers on the same files.
// Sizes: BENCH_BIG_BYTES (default 4 GiB), BENCH_SET_COUNT × BENCH_SET_BYTES (default 50 × 100 MiB),
// BENCH_ROUNDS (default 3), BENCH_DIR (default the system temp dir). Ratios are taken within a
// round; medians are reported. Results: bench/results/ingest.json.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { build } from 'esbuild';
import { Ingester } from '../agent/ingest/ingester.ts';
import { DEFAULT_SEAL_TUNING, type SealOutcome } from '../agent/ingest/seal-pass.ts';
import { VaultLayout } from '../agent/ingest/vault.ts';
import type { VerifyOutcome } from '../agent/ingest/verify-pass.ts';
import { IngestWorkerPool } from '../agent/ingest/worker-pool.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { pathsUnder } from '../agent/paths.ts';
import {
  cpSyncOpenssl,
  dcflddCopy,
  generateFile,
  naivePipeline,
  opensslHot,
  type Timing,
} from './bench-peers.ts';

const MiB = 1024 * 1024;
const BIG = Number(process.env.BENCH_BIG_BYTES ?? 4 * 1024 * MiB);
const SET_COUNT = Number(process.env.BENCH_SET_COUNT ?? 50);
const SET_BYTES = Number(process.env.BENCH_SET_BYTES ?? 100 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = await fsp.mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'dock-bench-'));
const bigFile = path.join(root, 'big.mp4');
const setDir = path.join(root, 'set');
const setFiles = Array.from({ length: SET_COUNT }, (_, i) =>
  path.join(setDir, `clip-${String(i).padStart(3, '0')}.mp4`),
);
const paths = pathsUnder(path.join(root, 'state'));
const layout = new VaultLayout(paths);
const pool = new IngestWorkerPool();
const round: Record<string, number>[] = [];

const mbps = (bytes: number, t: Timing) => bytes / 1e6 / t.wallS;

async function sealAndVerify(): Promise<Record<string, number>> {
  await layout.ensureDirs();
  const { stagedPath, statePath } = layout.stagingFor(`bench:${Date.now()}`);
  const job = {
    source: { path: bigFile },
    resumeKey: 'bench',
    stagedPath,
    statePath,
    tuning: DEFAULT_SEAL_TUNING,
  };
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  await pool.run<SealOutcome>({ kind: 'seal', job });
  const seal: Timing = { wallS: (performance.now() - t0) / 1000, cpuS: cpuSeconds(cpu0) };
  t0 = performance.now();
  const v = await pool.run<VerifyOutcome>({
    kind: 'verify',
    file: stagedPath,
    bufferBytes: DEFAULT_SEAL_TUNING.bufferBytes,
    totalBytes: BIG,
  });
  const verify: Timing = { wallS: (performance.now() - t0) / 1000, cpuS: 0 };
  eld.disable();
  await fsp.rm(stagedPath, { force: true });
  await fsp.rm(statePath, { force: true });
  return {
    seal_mb_s: mbps(BIG, seal),
    seal_cpu_s_per_gb: seal.cpuS / (BIG / 1e9),
    verify_mb_s: mbps(BIG, verify),
    verify_o_direct: v.method === 'o-direct' ? 1 : 0,
    event_loop_p99_ms: eld.percentile(99) / 1e6,
  };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

async function setIngest(): Promise<Record<string, number>> {
  const ingester = new Ingester({ pool, layout, logger: silentLogger() });
  const t0 = performance.now();
  const settled = await ingester.ingestAll(
    setFiles.map((f) => ({ source: { path: f }, resumeKey: `set:${f}` })),
  );
  const wallS = (performance.now() - t0) / 1000;
  const failed = settled.filter((s) => !s.ok);
  if (failed.length > 0) throw new Error(`set ingest failed: ${failed.length} files`);
  await fsp.rm(path.join(paths.vaultDir, 'sha256'), { recursive: true, force: true });
  return { set_ingest_mb_s: (SET_COUNT * SET_BYTES) / 1e6 / wallS };
}

const steps: Record<string, () => Promise<Record<string, number>>> = {
  sealVerify: sealAndVerify,
  openssl: async () => {
    const t = opensslHot([bigFile]);
    return { openssl_hot_mb_s: mbps(BIG, t), openssl_cpu_s_per_gb: t.cpuS / (BIG / 1e9) };
  },
  cpSync: async () => ({
    cp_sync_openssl_mb_s: mbps(BIG, await cpSyncOpenssl([bigFile], path.join(root, 'cp'))),
  }),
  dcfldd: async () => ({ dcfldd_mb_s: mbps(BIG, await dcflddCopy(bigFile, path.join(root, 'dcfldd.out'))) }),
  naive: async () => {
    const t = await naivePipeline(bigFile, path.join(root, 'naive.out'));
    return { naive_pipeline_mb_s: mbps(BIG, t), naive_cpu_s_per_gb: t.cpuS / (BIG / 1e9) };
  },
  setIngest,
  setCpSync: async () => ({
    set_cp_sync_openssl_mb_s:
      (SET_COUNT * SET_BYTES) / 1e6 / (await cpSyncOpenssl(setFiles, path.join(root, 'setcp'))).wallS,
  }),
};

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Peak RSS of a fresh process that ingests `file`, run as the agent ships: bundled JavaScript on
 * plain node (under tsx every worker thread would carry its own TypeScript loader).
 */
async function peakRss(file: string): Promise<number> {
  const outdir = path.join(import.meta.dirname, 'results', 'rss-bundle');
  await build({
    entryPoints: [
      path.join(import.meta.dirname, 'rss-probe.ts'),
      path.join(import.meta.dirname, '..', 'agent', 'ingest', 'ingest-worker.ts'),
    ],
    outdir,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  const probe = path.join(outdir, 'rss-probe.js');
  const out = execFileSync(process.execPath, [probe, file, path.join(root, 'rss-state')], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string).maxRssKiB / 1024;
}

async function main(): Promise<void> {
  process.stderr.write(`generating ${BIG} bytes and ${SET_COUNT} × ${SET_BYTES} bytes in ${root}\n`);
  await fsp.mkdir(setDir, { recursive: true });
  await generateFile(bigFile, BIG);
  for (const f of setFiles) await generateFile(f, SET_BYTES);
  opensslHot([bigFile, ...setFiles]); // warm the page cache: every peer reads hot sources
  // Start both workers before timing anything: a dock's pool is long-lived.
  await Promise.all(
    setFiles
      .slice(0, 2)
      .map((f) => pool.run({ kind: 'verify', file: f, bufferBytes: 1 << 20, totalBytes: 0 })),
  );
  for (let r = 0; r < ROUNDS; r++) {
    const figures: Record<string, number> = {};
    for (const name of shuffled(Object.keys(steps))) {
      execFileSync('sync');
      Object.assign(figures, await (steps[name] as () => Promise<Record<string, number>>)());
      process.stderr.write(`round ${r + 1} ${name} done\n`);
    }
    figures.ratio_seal_vs_openssl = (figures.seal_mb_s as number) / (figures.openssl_hot_mb_s as number);
    figures.ratio_seal_vs_cp_sync_openssl =
      (figures.seal_mb_s as number) / (figures.cp_sync_openssl_mb_s as number);
    figures.ratio_seal_vs_dcfldd = (figures.seal_mb_s as number) / (figures.dcfldd_mb_s as number);
    figures.ratio_seal_vs_naive = (figures.seal_mb_s as number) / (figures.naive_pipeline_mb_s as number);
    figures.ratio_set_ingest_vs_cp_sync_openssl =
      (figures.set_ingest_mb_s as number) / (figures.set_cp_sync_openssl_mb_s as number);
    round.push(figures);
  }
  const quarter = path.join(root, 'quarter.mp4');
  await generateFile(quarter, Math.floor(BIG / 4));
  const summary: Record<string, number> = {};
  for (const key of Object.keys(round[0] ?? {})) summary[key] = median(round.map((f) => f[key] as number));
  summary.peak_rss_mb_1g = await peakRss(quarter);
  summary.peak_rss_mb_4g = await peakRss(bigFile);
  await report(summary);
}

async function report(summary: Record<string, number>): Promise<void> {
  const meta = {
    big_bytes: BIG,
    set_count: SET_COUNT,
    set_bytes: SET_BYTES,
    rounds: ROUNDS,
    cpus: os.availableParallelism(),
    cpu: os.cpus()[0]?.model,
    node: process.version,
    date: new Date().toISOString(),
  };
  const out = path.join(import.meta.dirname, 'results', 'ingest.json');
  await fsp.mkdir(path.dirname(out), { recursive: true });
  await fsp.writeFile(out, `${JSON.stringify({ ...summary, meta, rounds: round }, null, 2)}\n`);
  const width = Math.max(...Object.keys(summary).map((k) => k.length));
  const lines = Object.entries(summary).map(([k, v]) => `${k.padEnd(width)}  ${v.toFixed(2)}`);
  process.stdout.write(
    `ingest bench (medians of ${ROUNDS} rounds; big file ${BIG} B, set ${SET_COUNT} × ${SET_BYTES} B)\n${lines.join('\n')}\nwritten to ${out}\n`,
  );
}

try {
  await main();
} finally {
  await pool.close();
  await fsp.rm(root, { recursive: true, force: true });
}
