// `make bench-dock`: many recorders docked at once. N simulated recorders (default 8) with
// DOCK_BENCH_BYTES each (default 2 GiB, in 512 MiB real MP4s) are docked together; the aggregate
// throughput is compared with one recorder docked alone on the same machine, in the same run.
// Results: bench/results/dock.json.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DockResult } from '../agent/dock/dock-session.ts';
import { startDockd } from '../agent/main.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { SimBus } from '../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../drivers/sim/sim-recorder.ts';
import { buildSimVolume } from '../drivers/sim/sim-volume.ts';
import { testConfig } from '../test/helpers/test-config.ts';

const MiB = 1024 * 1024;
const RECORDERS = Number(process.env.DOCK_BENCH_RECORDERS ?? 8);
const BYTES = Number(process.env.DOCK_BENCH_BYTES ?? 2048 * MiB);
const CLIP = Math.min(BYTES, Number(process.env.DOCK_BENCH_CLIP_BYTES ?? 512 * MiB));
const root = path.join(process.env.BENCH_DIR ?? os.tmpdir(), `dock-bench-${process.pid}`);
await mkdir(root, { recursive: true });

/** Build the recorders' cards once; every run docks the same files into a fresh state. */
async function buildCards(): Promise<string[]> {
  const dirs: string[] = [];
  const clipsPer = Math.ceil(BYTES / CLIP);
  for (let r = 0; r < RECORDERS; r++) {
    const dir = path.join(root, `rec-${r}`);
    const first = Date.now() - 3_600_000 - r * 60_000;
    await buildSimVolume(
      path.join(dir, 'volume'),
      Array.from({ length: clipsPer }, (_, i) => ({
        start: new Date(first + i * 2000),
        seconds: 2,
        padToBytes: CLIP,
      })),
    );
    dirs.push(dir);
    process.stderr.write(`card ${r + 1}/${RECORDERS} ready\n`);
  }
  return dirs;
}

/** Dock `cards` together into a fresh dock; returns wall seconds and the session results. */
async function dockTogether(
  cards: readonly string[],
  label: string,
): Promise<{ seconds: number; results: DockResult[] }> {
  const stateDir = path.join(root, `state-${label}`);
  await rm(stateDir, { recursive: true, force: true });
  const bus = new SimBus();
  const results: DockResult[] = [];
  const config = testConfig(stateDir, { rules: { wipePolicy: 'never' } });
  const dockd = await startDockd(config, { kind: 'sim', bus }, silentLogger(), {
    onResult: (r) => results.push(r),
  });
  const sims: SimRecorder[] = [];
  for (const dir of cards) {
    const sim = await SimRecorder.create({ kind: 'mass-storage', bus, dir, clips: [] });
    dockd.ledger.registerRecorder({ serial: sim.identity.serial, model: 'sim', vendor: 'Example vendor' });
    sims.push(sim);
  }
  const t0 = performance.now();
  for (const sim of sims) await sim.plug();
  while (results.length < sims.length) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  await dockd.stop();
  for (const sim of sims) await sim.close();
  await rm(stateDir, { recursive: true, force: true });
  return { seconds, results };
}

try {
  process.stderr.write(`building ${RECORDERS} cards of ${BYTES} bytes in ${root}\n`);
  const cards = await buildCards();
  const single = await dockTogether(cards.slice(0, 1), 'single');
  const many = await dockTogether(cards, 'many');
  const singleAgain = await dockTogether(cards.slice(1, 2), 'single2');
  const ok = [...single.results, ...many.results, ...singleAgain.results].every(
    (r) => r.outcome === 'complete',
  );
  const sealed = many.results.reduce((n, r) => n + r.sealed, 0);
  const singleMbS = BYTES / 1e6 / ((single.seconds + singleAgain.seconds) / 2);
  const manyMbS = (BYTES * RECORDERS) / 1e6 / many.seconds;
  const figures = {
    recorders: RECORDERS,
    bytes_per_recorder: BYTES,
    all_complete: ok,
    clips_sealed_many: sealed,
    single_recorder_mb_s: singleMbS,
    aggregate_mb_s: manyMbS,
    ratio_aggregate_vs_single: manyMbS / singleMbS,
    many_seconds: many.seconds,
    cpus: os.availableParallelism(),
    date: new Date().toISOString(),
  };
  const out = path.join(import.meta.dirname, 'results', 'dock.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(
    `${Object.entries(figures)
      .map(([k, v]) => `${k.padEnd(28)} ${typeof v === 'number' ? v.toFixed(2) : v}`)
      .join('\n')}\nwritten to ${out}\n`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
