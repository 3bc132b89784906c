// `make bench-dock`: many recorders docked at once, each at the speed of its USB link. Scenarios
// (DOCK_BENCH_SCENARIOS, comma-separated; default all):
//   mixed       25 recorders on USB 2.0 (35–40 MB/s) and 4 on USB 3 (100–400 MB/s), together;
//   link-bound  25 recorders at 35 MB/s: CPU-s per GB when the links, not the box, set the pace;
//   mixed-uv4   `mixed` with libuv's default 4 pool threads, to show why dockd needs more;
//   unpaced     every card as fast as the disk: the box's own limit.
// Each scenario runs dockd (bundled, plain node) in a child process with its page on loopback; this
// process logs in as a manager and times `/api/now` while the recorders copy. Sizes:
// DOCK_BENCH_USB2 (25), DOCK_BENCH_USB3 (4), DOCK_BENCH_BYTES per recorder (512 MiB),
// DOCK_BENCH_CLIP_BYTES (128 MiB), DOCK_BENCH_THREADPOOL (64), BENCH_DIR.
// Results: bench/results/dock.json.
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildSimVolume } from '../drivers/sim/sim-volume.ts';
import { benchMachine, machineLine, median } from './bench-machine.ts';
import { cpSync, ddCopy, generateFile, opensslHot, setDiskLimit } from './bench-peers.ts';
import { bundleDockChild, runDockChild } from './dock-child-run.ts';
import { scenarioFigures } from './dock-figures.ts';

const MiB = 1024 * 1024;
const MB = 1e6;
const USB2 = Number(process.env.DOCK_BENCH_USB2 ?? 25);
const USB3 = Number(process.env.DOCK_BENCH_USB3 ?? 4);
const BYTES = Number(process.env.DOCK_BENCH_BYTES ?? 512 * MiB);
const CLIP = Math.min(BYTES, Number(process.env.DOCK_BENCH_CLIP_BYTES ?? 128 * MiB));
const THREADPOOL = process.env.DOCK_BENCH_THREADPOOL ?? '64';
const SCENARIOS = (process.env.DOCK_BENCH_SCENARIOS ?? 'mixed,link-bound,mixed-uv4,unpaced').split(',');
const root = path.join(process.env.BENCH_DIR ?? os.tmpdir(), `dock-bench-${process.pid}`);
const CARDS = USB2 + USB3;

/** USB 2.0 links spread over 35–40 MB/s, USB 3 links over 100–400 MB/s. */
const spread = (i: number, n: number, lo: number, hi: number) =>
  n > 1 ? lo + ((hi - lo) * i) / (n - 1) : lo;
const usb2 = Array.from({ length: USB2 }, (_, i) => spread(i, USB2, 35, 40) * MB);
const usb3 = Array.from({ length: USB3 }, (_, i) => spread(i, USB3, 100, 400) * MB);

async function checkSpace(): Promise<void> {
  // The cards, one scenario's vault (deleted after each), the limit probe's file and its copy.
  const need = 2 * CARDS * BYTES + 2 * BYTES + 1024 * MiB;
  const st = await statfs(root);
  const free = st.bavail * st.bsize;
  if (free < need)
    throw new Error(
      `the dock bench needs about ${(need / 2 ** 30).toFixed(1)} GiB free in ${root} but it has ${(free / 2 ** 30).toFixed(1)} GiB: free space, pick another disk with BENCH_DIR, or set smaller DOCK_BENCH_* sizes`,
    );
  process.stderr.write(
    `disk: ${(free / 2 ** 30).toFixed(1)} GiB free, about ${(need / 2 ** 30).toFixed(1)} GiB needed\n`,
  );
}

/** Build every recorder's card once: real MP4s padded with distinct content. */
async function buildCards(): Promise<string[]> {
  const dirs: string[] = [];
  for (let r = 0; r < CARDS; r++) {
    const dir = path.join(root, 'cards', `rec-${r}`);
    const first = Date.now() - 3_600_000 - r * 60_000;
    const clips = Math.ceil(BYTES / CLIP);
    await buildSimVolume(
      path.join(dir, 'volume'),
      Array.from({ length: clips }, (_, i) => ({
        start: new Date(first + i * 2000),
        seconds: 2,
        padToBytes: Math.min(CLIP, BYTES - i * CLIP),
      })),
    );
    dirs.push(dir);
  }
  process.stderr.write(`${CARDS} cards of ${BYTES} bytes ready\n`);
  return dirs;
}

/**
 * The box's seal limit per core: the slower of hashing a hot file and writing a durable copy of
 * it (the faster of `dd oflag=direct` and `cp` + `sync`), medians of 3, in MB/s. Also the disk's
 * own limit for sealed-and-verified copies (`disk_limit_mb_s`): four copies of the file written
 * with O_DIRECT, each while the one before is read back (bench-peers.ts, setDiskLimit), no hashing.
 */
async function sealLimit(): Promise<Record<string, number>> {
  const file = path.join(root, 'limit.bin');
  await generateFile(file, BYTES);
  opensslHot([file]);
  const hash: number[] = [];
  const copy: number[] = [];
  for (let i = 0; i < 3; i++) {
    hash.push(opensslHot([file]).wallS);
    const direct = (await ddCopy(file, path.join(root, 'limit.dd'), true)).wallS;
    copy.push(Math.min(direct, (await cpSync([file], path.join(root, 'limit-cp'))).wallS));
  }
  const diskS = await setDiskLimit([file, file, file, file], path.join(root, 'limit-disk'));
  await rm(file, { force: true });
  const hashMbS = BYTES / MB / median(hash);
  const copyMbS = BYTES / MB / median(copy);
  return {
    hash_only_mb_s: hashMbS,
    copy_only_mb_s: copyMbS,
    seal_limit_mb_s: Math.min(hashMbS, copyMbS),
    disk_limit_mb_s: (4 * BYTES) / MB / diskS,
  };
}

function scenarioCards(name: string, dirs: readonly string[]) {
  const card = (i: number, bytesPerSecond: number | null) => ({ dir: dirs[i] as string, bytesPerSecond });
  if (name === 'link-bound') return usb2.map((_, i) => card(i, 35 * MB));
  if (name === 'unpaced') return dirs.map((_, i) => card(i, null));
  return [...usb2, ...usb3].map((speed, i) => card(i, speed));
}

async function main(): Promise<void> {
  await mkdir(root, { recursive: true });
  const machine = benchMachine(root);
  process.stderr.write(`${machineLine(machine)}\n`);
  await checkSpace();
  const dirs = await buildCards();
  const limit = await sealLimit();
  const boxLimit = (limit.seal_limit_mb_s as number) * machine.cores;
  const app = await bundleDockChild(path.join(root, 'app'));
  const scenarios: Record<string, Record<string, number | boolean | string>> = {};
  for (const name of SCENARIOS) {
    const stateDir = path.join(root, `state-${name}`);
    const threadpool = name === 'mixed-uv4' ? null : THREADPOOL;
    const run = await runDockChild(
      app,
      { stateDir, cards: scenarioCards(name, dirs), jitter: 0.05 },
      threadpool,
    );
    scenarios[name] = scenarioFigures(run.result, run.apiNowMs, boxLimit, limit.disk_limit_mb_s as number);
    await rm(stateDir, { recursive: true, force: true });
    process.stderr.write(`scenario ${name} done\n`);
  }
  const figures = {
    machine,
    sizes: { usb2: USB2, usb3: USB3, bytes_per_recorder: BYTES, clip_bytes: CLIP },
    limit: { ...limit, box_limit_mb_s: boxLimit },
    scenarios,
  };
  const out = path.join(import.meta.dirname, 'results', 'dock.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v));
  const lines = [
    `dock bench on ${machineLine(machine)}`,
    ...Object.entries(figures.limit).map(([k, v]) => `${k.padEnd(24)} ${fmt(v)}`),
    ...Object.entries(scenarios).flatMap(([name, f]) => [
      `-- ${name}`,
      ...Object.entries(f).map(([k, v]) => `${k.padEnd(24)} ${fmt(v)}`),
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\nwritten to ${out}\n`);
  if (Object.values(scenarios).some((s) => s.all_complete !== true)) process.exitCode = 1;
}

try {
  await main();
} finally {
  await rm(root, { recursive: true, force: true });
}
