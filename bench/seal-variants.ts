// `make bench-seal-variants`: ways of writing the staged copy, measured side by side on one hot
// file in shuffled rounds, with the copy half alone (`dd oflag=direct`, `cp` + `sync`) and the hash
// half alone (`openssl dgst`) in the same rounds. Sizes: BENCH_BIG_BYTES (default 2 GiB),
// BENCH_ROUNDS (default 3), BENCH_DIR; BENCH_VARIANTS picks variants by name (comma-separated).
// Results: bench/results/seal-variants.json.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SEAL_TUNING, type SealTuning } from '../agent/ingest/seal-pass.ts';
import { IngestWorkerPool } from '../agent/ingest/worker-pool.ts';
import { benchMachine, machineLine, median, shuffled } from './bench-machine.ts';
import { cpSync, ddCopy, generateFile, opensslHot, type Timing } from './bench-peers.ts';
import { benchFiles, sealAndVerify } from './ingest-steps.ts';

const MiB = 1024 * 1024;
const BIG = Number(process.env.BENCH_BIG_BYTES ?? 2048 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const d = DEFAULT_SEAL_TUNING;
const VARIANTS: Record<string, SealTuning> = {
  'direct-4x4M': { ...d, directWrites: true, bufferCount: 4, bufferBytes: 4 * MiB },
  'direct-3x4M': { ...d, directWrites: true, bufferCount: 3, bufferBytes: 4 * MiB },
  'direct-6x4M': { ...d, directWrites: true, bufferCount: 6, bufferBytes: 4 * MiB },
  'direct-4x1M': { ...d, directWrites: true, bufferCount: 4, bufferBytes: 1 * MiB },
  'direct-4x8M': { ...d, directWrites: true, bufferCount: 4, bufferBytes: 8 * MiB },
  'buffered-3x4M-wb32M': { ...d, directWrites: false, bufferCount: 3, writebackBytes: 32 * MiB },
  'buffered-3x4M-wb0': { ...d, directWrites: false, bufferCount: 3, writebackBytes: 0 },
  'buffered-3x4M-wb128M': { ...d, directWrites: false, bufferCount: 3, writebackBytes: 128 * MiB },
};
const chosen = process.env.BENCH_VARIANTS?.split(',') ?? Object.keys(VARIANTS);
const root = await fsp.mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'seal-variants-'));
const machine = benchMachine(root);
const pool = new IngestWorkerPool(1);
const files = benchFiles(root, pool, { bigBytes: BIG, setCount: 0, setBytes: 0 });

const asFigures = (name: string, t: Timing) => ({ [`${name}_s`]: t.wallS, [`${name}_cpu_s`]: t.cpuS });

async function main(): Promise<void> {
  await generateFile(files.bigFile, BIG);
  opensslHot([files.bigFile]);
  // Start the worker before timing anything: a dock's pool is long-lived.
  await pool.run({ kind: 'verify', file: files.bigFile, bufferBytes: 1 << 20, totalBytes: 0 });
  const steps: Record<string, () => Promise<Record<string, number>>> = {
    hash: async () => asFigures('hash_only', opensslHot([files.bigFile])),
    ddDirect: async () => asFigures('dd_direct', await ddCopy(files.bigFile, path.join(root, 'dd'), true)),
    cpSync: async () => asFigures('cp_sync', await cpSync([files.bigFile], path.join(root, 'cp'))),
  };
  for (const name of chosen) {
    const tuning = VARIANTS[name];
    if (!tuning) throw new Error(`no seal variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
    steps[name] = async () => {
      const f = await sealAndVerify(files, tuning);
      return {
        [`${name}_s`]: f.seal_s as number,
        [`${name}_cpu_s`]: f.seal_cpu_s as number,
        [`${name}_cache_mb`]: f.page_cache_left_mb ?? -1,
      };
    };
  }
  const rounds: Record<string, number>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const figures: Record<string, number> = {};
    for (const step of shuffled(Object.keys(steps)))
      Object.assign(figures, await (steps[step] as () => Promise<Record<string, number>>)());
    const limit = Math.max(
      figures.hash_only_s as number,
      Math.min(figures.dd_direct_s as number, figures.cp_sync_s as number),
    );
    for (const name of chosen) figures[`${name}_vs_limit`] = limit / (figures[`${name}_s`] as number);
    rounds.push(figures);
    process.stderr.write(`round ${r + 1} done\n`);
  }
  const summary: Record<string, number> = {};
  for (const key of Object.keys(rounds[0] ?? {})) summary[key] = median(rounds.map((f) => f[key] as number));
  const out = path.join(import.meta.dirname, 'results', 'seal-variants.json');
  await fsp.mkdir(path.dirname(out), { recursive: true });
  await fsp.writeFile(out, `${JSON.stringify({ ...summary, machine, big_bytes: BIG, rounds }, null, 2)}\n`);
  const lines = Object.entries(summary).map(([k, v]) => `${k.padEnd(32)} ${v.toFixed(2)}`);
  process.stdout.write(
    `seal variants on ${machineLine(machine)} (${BIG} B, medians of ${ROUNDS})\n${lines.join('\n')}\n`,
  );
}

try {
  await main();
} finally {
  await pool.close();
  await fsp.rm(root, { recursive: true, force: true });
}
