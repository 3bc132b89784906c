// `make bench`, ingest section: the seal pass against the real limit of one pass on this machine
// (the slower of its two halves alone: hashing the file, and writing a durable copy of it), and
// against the peers, on the same files, in the same rounds.
// Sizes: BENCH_BIG_BYTES (default 4 GiB), BENCH_SET_COUNT × BENCH_SET_BYTES (default 50 × 100 MiB),
// BENCH_RSS_MAX_BYTES (default 16 GiB, a sparse file), BENCH_ROUNDS (default 3), BENCH_DIR (default
// the system temp dir). Ratios are taken within a round; medians are reported.
// Results: bench/results/ingest.json.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IngestWorkerPool } from '../agent/ingest/worker-pool.ts';
import { benchMachine, machineLine, median, shuffled } from './bench-machine.ts';
import {
  cpSync,
  cpSyncOpenssl,
  dcflddCopy,
  ddCopy,
  generateFile,
  naivePipeline,
  opensslHot,
  setDiskLimit,
  type Timing,
} from './bench-peers.ts';
import { benchFiles, sealAndVerify, setIngest, setSealOnly } from './ingest-steps.ts';
import { limitFigures } from './limit-figures.ts';
import { peakRss } from './rss-run.ts';

const MiB = 1024 * 1024;
const BIG = Number(process.env.BENCH_BIG_BYTES ?? 4 * 1024 * MiB);
const SET_COUNT = Number(process.env.BENCH_SET_COUNT ?? 50);
const SET_BYTES = Number(process.env.BENCH_SET_BYTES ?? 100 * MiB);
const RSS_MAX = Number(process.env.BENCH_RSS_MAX_BYTES ?? 16 * 1024 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = await fsp.mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'dock-bench-'));
const machine = benchMachine(root);
const pool = new IngestWorkerPool();
const files = benchFiles(root, pool, { bigBytes: BIG, setCount: SET_COUNT, setBytes: SET_BYTES });
const setDir = path.join(root, 'set');
const round: Record<string, number>[] = [];

const mbps = (bytes: number, t: Timing) => bytes / 1e6 / t.wallS;
const perGb = (bytes: number, t: Timing) => t.cpuS / (bytes / 1e9);

/** Both halves of the work alone, and the copy's everyday variants: seconds and CPU-s of each. */
function halves(name: string, t: Timing): Record<string, number> {
  return { [`${name}_s`]: t.wallS, [`${name}_cpu_s`]: t.cpuS, [`${name}_mb_s`]: mbps(BIG, t) };
}

const steps: Record<string, () => Promise<Record<string, number>>> = {
  sealVerify: () => sealAndVerify(files),
  hashOnly: async () => {
    const t = opensslHot([files.bigFile]);
    return { ...halves('hash_only', t), openssl_hot_mb_s: mbps(BIG, t), openssl_cpu_s_per_gb: perGb(BIG, t) };
  },
  copyDd: async () => halves('copy_dd_fsync', await ddCopy(files.bigFile, path.join(root, 'dd.out'), false)),
  copyDdDirect: async () =>
    halves('copy_dd_direct', await ddCopy(files.bigFile, path.join(root, 'dd.out'), true)),
  copyCpSync: async () => halves('copy_cp_sync', await cpSync([files.bigFile], path.join(root, 'cp'))),
  cpSyncOpenssl: async () => ({
    cp_sync_openssl_mb_s: mbps(BIG, await cpSyncOpenssl([files.bigFile], path.join(root, 'cp'))),
  }),
  dcfldd: async () => ({
    dcfldd_mb_s: mbps(BIG, await dcflddCopy(files.bigFile, path.join(root, 'dcfldd.out'))),
  }),
  naive: async () => {
    const t = await naivePipeline(files.bigFile, path.join(root, 'naive.out'));
    return { naive_pipeline_mb_s: mbps(BIG, t), naive_cpu_s_per_gb: perGb(BIG, t) };
  },
  setIngest: () => setIngest(files),
  setSealOnly: () => setSealOnly(files),
  setDiskLimit: async () => ({
    set_disk_limit_mb_s:
      (SET_COUNT * SET_BYTES) / 1e6 / (await setDiskLimit(files.setFiles, path.join(root, 'setdl'))),
  }),
  setCpSync: async () => ({
    set_cp_sync_openssl_mb_s:
      (SET_COUNT * SET_BYTES) / 1e6 / (await cpSyncOpenssl(files.setFiles, path.join(root, 'setcp'))).wallS,
  }),
};

/** Check the disk holds the sources, their copies and the largest RSS probe before writing anything. */
async function checkSpace(): Promise<void> {
  const need = 2 * (BIG + SET_COUNT * SET_BYTES) + RSS_MAX + BIG / 4 + 1024 * MiB;
  const st = await fsp.statfs(root);
  const free = st.bavail * st.bsize;
  if (free < need)
    throw new Error(
      `the bench needs about ${(need / 2 ** 30).toFixed(1)} GiB free in ${root} but it has ${(free / 2 ** 30).toFixed(1)} GiB: free space, pick another disk with BENCH_DIR, or use smaller BENCH_* sizes`,
    );
}

async function main(): Promise<void> {
  await checkSpace();
  process.stderr.write(
    `${machineLine(machine)}\ngenerating ${BIG} bytes and ${SET_COUNT} × ${SET_BYTES} bytes in ${root}\n`,
  );
  await fsp.mkdir(setDir, { recursive: true });
  await generateFile(files.bigFile, BIG);
  for (const f of files.setFiles) await generateFile(f, SET_BYTES);
  opensslHot([files.bigFile, ...files.setFiles]); // warm the page cache: every peer reads hot sources
  // Start both workers before timing anything: a dock's pool is long-lived.
  await Promise.all(
    files.setFiles
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
    round.push({ ...figures, ...limitFigures(figures) });
  }
  const summary: Record<string, number> = {};
  for (const key of Object.keys(round[0] ?? {})) summary[key] = median(round.map((f) => f[key] as number));
  const quarter = path.join(root, 'quarter.mp4');
  await generateFile(quarter, Math.floor(BIG / 4));
  summary.peak_rss_mb_1g = await peakRss(quarter, path.join(root, 'rss-state'));
  summary.peak_rss_mb_4g = await peakRss(files.bigFile, path.join(root, 'rss-state'));
  const sparse = path.join(root, 'sparse.mp4');
  await fsp.writeFile(sparse, '');
  await fsp.truncate(sparse, RSS_MAX);
  summary.peak_rss_mb_16g = await peakRss(sparse, path.join(root, 'rss-state'));
  await report(summary);
}

async function report(summary: Record<string, number>): Promise<void> {
  const meta = {
    big_bytes: BIG,
    set_count: SET_COUNT,
    set_bytes: SET_BYTES,
    rss_max_bytes: RSS_MAX,
    rounds: ROUNDS,
  };
  const out = path.join(import.meta.dirname, 'results', 'ingest.json');
  await fsp.mkdir(path.dirname(out), { recursive: true });
  const doc = { ...summary, machine, meta, rounds: round };
  await fsp.writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
  const width = Math.max(...Object.keys(summary).map((k) => k.length));
  const lines = Object.entries(summary).map(([k, v]) => `${k.padEnd(width)}  ${v.toFixed(2)}`);
  process.stdout.write(
    `ingest bench on ${machineLine(machine)}\n(medians of ${ROUNDS} rounds; big file ${BIG} B, set ${SET_COUNT} × ${SET_BYTES} B)\n${lines.join('\n')}\nwritten to ${out}\n`,
  );
}

try {
  await main();
} finally {
  await pool.close();
  await fsp.rm(root, { recursive: true, force: true });
}
