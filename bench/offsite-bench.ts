// `make bench`, off-site section: the dock's copier (read-back verification of every copy, Object
// Lock retention applied) against the AWS SDK's lib-storage Upload of the same files with no
// verification, to a loopback Ceph (radosgw, bluestore on a sparse file). Each run is a fresh child
// process, so CPU and peak RSS are its own. Sizes: BENCH_BIG_BYTES (default 4 GiB),
// BENCH_SMALL_BYTES (the RSS comparison, default 1 GiB), BENCH_SET_COUNT × BENCH_SET_BYTES (default
// 50 × 100 MiB), BENCH_DIR (default the system temp dir). Results: bench/results/offsite.json.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256OfFile } from '../agent/ledger/verify/verify-vault.ts';
import { type CephCluster, startCephCluster } from '../test/fixtures/offsite/ceph-cluster.ts';
import { cephBucket } from '../test/fixtures/offsite/copy-fixture.ts';
import { generateFile } from './bench-peers.ts';
import type { ManifestEntry } from './offsite-copy-child.ts';
import { bundleForNode } from './rss-run.ts';
import { shippedDockEnvironment } from './unit-environment.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const BIG = Number(process.env.BENCH_BIG_BYTES ?? 4 * 1024 * MiB);
const SMALL = Number(process.env.BENCH_SMALL_BYTES ?? 1024 * MiB);
const SET_COUNT = Number(process.env.BENCH_SET_COUNT ?? 50);
const SET_BYTES = Number(process.env.BENCH_SET_BYTES ?? 100 * MiB);
const child = await bundleChild();
const root = await fsp.mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'offsite-bench-'));

/** What one child reported. */
interface ChildFigures {
  readonly bytes: number;
  readonly wallS: number;
  readonly cpuS: number;
  readonly maxRssKiB: number;
  readonly eventLoopP99Ms: number;
  readonly runP99Ms: number;
  readonly cpuWaitP99Ms: number;
  readonly lateTicksMostlyWaiting: number;
  /** The store daemons' CPU over the same run (added by the parent). */
  readonly storeCpuS: number;
}

async function makeFiles(name: string, count: number, bytes: number): Promise<string> {
  const entries: ManifestEntry[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(root, `${name}-${String(i).padStart(3, '0')}.mp4`);
    await generateFile(file, bytes);
    entries.push({ file, sha256: await sha256OfFile(file), size: bytes });
  }
  const manifest = path.join(root, `${name}.json`);
  await fsp.writeFile(manifest, JSON.stringify(entries));
  return manifest;
}

/**
 * The child as the agent ships: bundled JavaScript on plain node (tsx would add its TypeScript
 * loader to the memory and CPU measured).
 */
async function bundleChild(): Promise<string> {
  const outdir = await bundleForNode('offsite-bundle', [
    path.join(import.meta.dirname, 'offsite-copy-child.ts'),
    // Beside it, as in the package: the copier's transfer thread.
    path.join(import.meta.dirname, '..', 'agent', 'offsite', 'transfer-worker.ts'),
  ]);
  return path.join(outdir, 'offsite-copy-child.js');
}

async function copyWith(mode: 'ours' | 'peer', manifest: string, ceph: CephCluster, prefix: string) {
  const store0 = storeCpuS(ceph);
  const { stdout } = await run(
    process.execPath,
    [
      child,
      mode,
      manifest,
      ceph.endpoint,
      'bench',
      prefix,
      ceph.credentials.accessKeyId,
      ceph.credentials.secretAccessKey,
    ],
    // Both run as the unit starts dockd (NODE_OPTIONS, UV_THREADPOOL_SIZE): the copier lives there.
    {
      maxBuffer: 1 << 20,
      env: { ...process.env, ...shippedDockEnvironment(path.join(import.meta.dirname, '..')) },
    },
  );
  const figures = JSON.parse(stdout.trim().split('\n').at(-1) as string) as ChildFigures;
  return { ...figures, storeCpuS: storeCpuS(ceph) - store0 };
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds the store's daemons (gateway, OSD, monitor) used so far: they share the cores. */
function storeCpuS(ceph: CephCluster): number {
  let ticks = 0;
  for (const pid of ceph.pids()) {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLK_TCK;
}

function figures(name: string, f: ChildFigures): Record<string, number> {
  return {
    [`${name}_mb_s`]: f.bytes / 1e6 / f.wallS,
    [`${name}_cpu_s_per_gb`]: f.cpuS / (f.bytes / 1e9),
    [`${name}_peak_rss_mb`]: f.maxRssKiB / 1024,
    [`${name}_event_loop_p99_ms`]: f.eventLoopP99Ms,
    // The loop's lateness split: the main thread's own work, and waiting for a CPU (the store and
    // everything else on the machine): main-thread-sched.ts.
    [`${name}_main_run_p99_ms`]: f.runP99Ms,
    [`${name}_main_cpu_wait_p99_ms`]: f.cpuWaitP99Ms,
    [`${name}_late_ticks_mostly_waiting`]: f.lateTicksMostlyWaiting,
    [`${name}_store_cpu_s_per_gb`]: f.storeCpuS / (f.bytes / 1e9),
  };
}

function cpuMeta(): Record<string, unknown> {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: os.cpus()[0]?.model,
    sha_ni: /^flags\s*:.*\bsha_ni\b/m.test(info),
    cpus: os.availableParallelism(),
  };
}

async function main(): Promise<void> {
  process.stderr.write(
    `generating ${BIG} + ${SMALL} bytes and ${SET_COUNT} × ${SET_BYTES} bytes in ${root}\n`,
  );
  const big = await makeFiles('big', 1, BIG);
  const small = await makeFiles('small', 1, SMALL);
  const set = await makeFiles('set', SET_COUNT, SET_BYTES);
  // Room for every copy twice (ours and the peer's) and bluestore's own overhead.
  const capacity = Math.ceil((2.5 * (BIG + SMALL + SET_COUNT * SET_BYTES)) / 1024 ** 3 + 8) * 1024 ** 3;
  const ceph = await startCephCluster({ parentDir: root, objectStore: 'bluestore', capacityBytes: capacity });
  const summary: Record<string, number> = {};
  try {
    await cephBucket(ceph, 'bench');
    // The set first, side by side: the peer, then ours, then the peer again. The ratio is taken
    // against the faster of the peer's two runs, so a slow peer run cannot flatter ours.
    const peerA = await copyWith('peer', set, ceph, 'peer-a/');
    const mine = await copyWith('ours', set, ceph, 'ours-set/');
    const peerB = await copyWith('peer', set, ceph, 'peer-b/');
    const peerSet = peerA.wallS <= peerB.wallS ? peerA : peerB;
    Object.assign(summary, figures('set_ours', mine), figures('set_peer', peerSet));
    summary.set_ratio_ours_vs_peer = (summary.set_ours_mb_s as number) / (summary.set_peer_mb_s as number);
    Object.assign(summary, figures('big_ours', await copyWith('ours', big, ceph, 'ours-big/')));
    Object.assign(summary, figures('big_peer', await copyWith('peer', big, ceph, 'peer-big/')));
    Object.assign(summary, figures('small_ours', await copyWith('ours', small, ceph, 'ours-small/')));
    summary.rss_growth_small_to_big_mb =
      (summary.big_ours_peak_rss_mb as number) - (summary.small_ours_peak_rss_mb as number);
  } finally {
    await ceph.stop();
    await fsp.rm(root, { recursive: true, force: true });
  }
  await report(summary);
}

async function report(summary: Record<string, number>): Promise<void> {
  const meta: Record<string, unknown> = {
    big_bytes: BIG,
    small_bytes: SMALL,
    set_count: SET_COUNT,
    set_bytes: SET_BYTES,
    store: 'Ceph radosgw on 127.0.0.1, one OSD, bluestore on a sparse file',
    ...cpuMeta(),
    node: process.version,
    date: new Date().toISOString(),
  };
  const out = path.join(import.meta.dirname, 'results', 'offsite.json');
  await fsp.mkdir(path.dirname(out), { recursive: true });
  await fsp.writeFile(out, `${JSON.stringify({ ...summary, meta }, null, 2)}\n`);
  const width = Math.max(...Object.keys(summary).map((k) => k.length));
  const lines = Object.entries(summary).map(([k, v]) => `${k.padEnd(width)}  ${v.toFixed(2)}`);
  process.stdout.write(
    `off-site bench (${String(meta.cpu)}, SHA-NI ${meta.sha_ni ? 'yes' : 'no'}; big ${BIG} B, set ${SET_COUNT} × ${SET_BYTES} B)\n${lines.join('\n')}\nwritten to ${out}\n`,
  );
}

await main();
