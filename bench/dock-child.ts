// One scenario of `make bench-dock`, run as its own process from a bundle on plain node (as the
// agent ships), so its peak RSS is the dock's own. dockd runs with the simulator's bus and its
// page on loopback; the recorders' cards are already built. Protocol on stdout, one JSON line
// each: {"ready":…} (URL and a manager login for the parent's /api/now poller), then, after the
// parent writes a line to stdin, {"copied":true} when every recorder is done; after the parent's
// next line (its poller has stopped), dockd stops and {"result":…} follows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { AccountService } from '../agent/access/accounts.ts';
import type { DockResult } from '../agent/dock/dock-session.ts';
import { startDockd } from '../agent/main.ts';
import { createRootLogger, silentLogger } from '../agent/ops/logger.ts';
import { SimBus } from '../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../drivers/sim/sim-recorder.ts';
import { testConfig } from '../test/helpers/test-config.ts';

/** What the parent asks for. */
export interface DockChildConfig {
  readonly stateDir: string;
  readonly cards: readonly { readonly dir: string; readonly bytesPerSecond: number | null }[];
  readonly jitter: number;
}

/** One recorder's outcome. */
export interface RecorderFigures {
  readonly serial: string;
  readonly bytes: number;
  readonly bytesPerSecond: number | null;
  readonly seconds: number;
  readonly outcome: string;
  readonly sealed: number;
}

/** What the child reports. */
export interface DockChildResult {
  readonly recorders: readonly RecorderFigures[];
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly eventLoopP99Ms: number;
  readonly peakRssMb: number;
  readonly threadpool: string;
}

const say = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);

function cardBytes(dir: string): number {
  const volume = path.join(dir, 'volume');
  return readdirSync(volume, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((n, d) => n + statSync(path.join(d.parentPath, d.name)).size, 0);
}

async function run(cfg: DockChildConfig): Promise<void> {
  // The embedded defaults as dockd runs them, the page on a free loopback port, nothing wiped
  // (the cards are reused by the next scenario).
  const config = testConfig(cfg.stateDir, { rules: { wipePolicy: 'never' } });
  const bus = new SimBus();
  const done = new Map<string, { at: number; result: DockResult }>();
  // DOCK_BENCH_LOG=warn (or info …) shows dockd's log on stderr.
  const level = process.env.DOCK_BENCH_LOG;
  const logger = level
    ? createRootLogger({ destination: process.stderr, level, pretty: false })
    : silentLogger();
  const dockd = await startDockd(config, { kind: 'sim', bus }, logger, {
    onResult: (r) => {
      if (r.serial) done.set(r.serial, { at: performance.now(), result: r });
    },
  });
  const login = { username: 'benchmgr', password: 'Bench-Pw-7x!q' };
  await new AccountService({ ledger: dockd.ledger, now: () => new Date() }).add({
    ...login,
    role: 'manager',
    by: null,
  });
  const sims: SimRecorder[] = [];
  for (const card of cfg.cards) {
    const sim = await SimRecorder.create({ kind: 'mass-storage', bus, dir: card.dir, clips: [] });
    sim.setLinkSpeed(card.bytesPerSecond, cfg.jitter);
    dockd.ledger.registerRecorder({ serial: sim.identity.serial, model: 'sim', vendor: 'Example vendor' });
    sims.push(sim);
  }
  say({ ready: { url: dockd.web?.url, ...login } });
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  await lines.next();
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const trace = memoryTrace(t0);
  for (const sim of sims) await sim.plug();
  while (done.size < sims.length) await new Promise((r) => setTimeout(r, 20));
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  if (trace) clearInterval(trace);
  const recorders = sims.map((sim, i): RecorderFigures => {
    const d = done.get(sim.identity.serial);
    const card = cfg.cards[i] as DockChildConfig['cards'][number];
    return {
      serial: sim.identity.serial,
      bytes: cardBytes(card.dir),
      bytesPerSecond: card.bytesPerSecond,
      seconds: d ? (d.at - t0) / 1000 : Number.NaN,
      outcome: d?.result.outcome ?? 'missing',
      sealed: d?.result.sealed ?? 0,
    };
  });
  say({ copied: true });
  await lines.next();
  await dockd.stop();
  for (const sim of sims) await sim.close();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  const result: DockChildResult = {
    recorders,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    eventLoopP99Ms: eld.percentile(99) / 1e6,
    peakRssMb: Number(hwm?.[1]) / 1024,
    threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
  };
  say({ result });
}

/**
 * DOCK_BENCH_MEM_TRACE=1: one line a second on stderr with the parts of the child's memory
 * (RSS, V8 heap, external, array buffers, in MB), to see where a peak comes from.
 */
function memoryTrace(t0: number): NodeJS.Timeout | null {
  if (!process.env.DOCK_BENCH_MEM_TRACE) return null;
  const mb = (n: number) => Math.round(n / 1048576);
  return setInterval(() => {
    const m = process.memoryUsage();
    const s = Math.round((performance.now() - t0) / 1000);
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1]) / 1024);
    process.stderr.write(
      `mem t=${s}s rss=${mb(m.rss)} anon=${kb('RssAnon')} file=${kb('RssFile')} threads=${/Threads:\s+(\d+)/.exec(status)?.[1]} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`,
    );
  }, 1000).unref();
}

const arg = process.argv[2];
if (!arg) throw new Error('usage: dock-child CONFIG_JSON');
run(JSON.parse(arg) as DockChildConfig).catch((err: unknown) => {
  process.stderr.write(`dock-child: ${(err as Error).stack}\n`);
  process.exit(1);
});
