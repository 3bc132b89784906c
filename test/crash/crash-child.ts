// The crash campaign's dockd: the real composition root (startDockd) on the trial's
// configuration file, with the trial's simulated recorders docked. Run as the service user by
// the harness (test/crash/trial-runner.ts), bundled like the shipped package. It prints dockd's
// JSON log and its own telemetry (run-spec.ts) on stdout; failpoints (agent/ops/failpoints.ts)
// and SIGKILL end it abruptly, SIGTERM cleanly, and "drain" on stdin waits for the forwarder.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../agent/config/config-loader.ts';
import { startDockd } from '../../agent/main.ts';
import { createRootLogger } from '../../agent/ops/logger.ts';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { logTap, tell } from './child-log-tap.ts';
import { ChildWorld } from './child-world.ts';
import type { RunSpec } from './run-spec.ts';

function processStatus(): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const [key, value] = line.split(':\t');
    if (key && value !== undefined) fields[key] = value.trim();
  }
  return fields;
}

function tellIdentity(): void {
  const status = processStatus();
  tell({
    crash: 'identity',
    uid: process.getuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
    groups: process.getgroups?.() ?? [],
    capEff: status.CapEff ?? '?',
    capPrm: status.CapPrm ?? '?',
    capBnd: status.CapBnd ?? '?',
    noNewPrivs: status.NoNewPrivs ?? '?',
  });
}

async function main(specFile: string): Promise<void> {
  let stopRequested = false;
  let stop = async () => {
    stopRequested = true;
  };
  process.on('SIGTERM', () => void stop());
  tellIdentity();
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  const { config } = await loadConfig(spec.config);
  const logger = createRootLogger({ level: 'debug', destination: logTap, pretty: false });
  const bus = new SimBus();
  const dockd = await startDockd(config, { kind: 'sim', bus }, logger, {
    onResult: (r) =>
      tell({
        crash: 'result',
        serial: r.serial,
        outcome: r.outcome,
        sealed: r.sealed,
        skipped: r.skipped,
        failed: r.failed,
      }),
  });
  const world = await ChildWorld.create(spec.recorders, bus, dockd.ledger);
  world.watchGrowth(spec.recorders, dockd.ingester);
  let stopping = false;
  stop = async () => {
    if (stopping) return;
    stopping = true;
    await dockd.stop();
    await world.closeAll();
    tell({ crash: 'stopped' });
    process.exit(0);
  };
  if (stopRequested) return stop();
  process.stdin.on('data', (d: Buffer) => {
    if (d.toString().includes('drain')) void drain(dockd.forwarder);
  });
  await world.plugAll();
  tell({ crash: 'plugged', serials: spec.recorders.map((r) => r.serial) });
}

/** Wait until the central store acknowledged every record, then say up to where. */
async function drain(forwarder: Awaited<ReturnType<typeof startDockd>>['forwarder']): Promise<void> {
  if (!forwarder) return tell({ crash: 'drained', ackedSeq: 0, backlog: -1 });
  forwarder.notify();
  for (let i = 0; i < 600; i++) {
    const status = forwarder.status();
    if (status.backlog === 0 && status.phase === 'idle')
      return tell({ crash: 'drained', ackedSeq: status.ackedSeq, backlog: 0 });
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = forwarder.status();
  tell({ crash: 'drained', ackedSeq: status.ackedSeq, backlog: status.backlog });
}

main(process.argv[2] ?? '').catch((err: unknown) => {
  process.stderr.write(`crash child: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(70);
});
