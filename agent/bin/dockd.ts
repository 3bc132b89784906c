#!/usr/bin/env node
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { configFileFromEnv, loadConfig } from '../config/config-loader.ts';
import { runDockDemo } from '../demo/dock-demo.ts';
import { DockError } from '../errors.ts';
import { type Dockd, startDockd } from '../main.ts';
import { combineReadiness } from '../ops/health-server.ts';
import { createRootLogger, moduleLogger } from '../ops/logger.ts';
import { NOTIFY_UNAVAILABLE_EXIT_CODE, NotifyUnavailableError } from '../ops/sd-notify.ts';
import { ServiceOps } from '../ops/service-ops.ts';
import { probeCheck, progressCheck, stateWritableCheck } from '../ops/watchdog-checks.ts';

const USAGE = `usage: dockd run [--config FILE]
       dockd demo [--dir DIR] [--clip-mib N] [--exit]
       dockd --version

  run    the docking daemon on this machine's USB stack, configured by FILE
         (default $DOCK_CONFIG or /etc/recorder-dock/config.yaml)
  demo   dockd with three simulated recorders docking (state under DIR, default ./.state/demo);
         keeps running until Ctrl-C in a terminal, exits when the story ends otherwise or with --exit
`;

function version(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, 'clip-mib': { type: 'string' }, exit: { type: 'boolean' } },
  });
  const demoDir = path.resolve(values.dir ?? '.state/demo');
  const clipMib = Number(values['clip-mib'] ?? 96);
  if (!Number.isInteger(clipMib) || clipMib < 1) {
    throw new DockError('USAGE', `--clip-mib must be a whole number ≥ 1, got ${values['clip-mib']}`);
  }
  // The demo's screen tells the story; the log shows only errors unless asked for more.
  const logger = createRootLogger({ level: process.env.DOCK_LOG_LEVEL ?? 'error' });
  const stopRequested = new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  const interactive = process.stdout.isTTY === true && process.stdin.isTTY === true && !values.exit;
  await runDockDemo({
    readyToWatch: interactive ? enterOrTimeout(30_000) : undefined,
    demoDir,
    out: process.stdout,
    logger,
    clipBytes: clipMib * 1024 * 1024,
    keepRunning: process.stdout.isTTY === true && !values.exit,
    stopRequested,
  });
  return 0;
}

/** Resolves on Enter at the terminal, or after `ms`. */
function enterOrTimeout(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      process.stdin.off('data', done);
      process.stdin.pause();
      resolve();
    }
    process.stdin.on('data', done);
    process.stdin.resume();
  });
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  const { config, notes } = await loadConfig(values.config ?? configFileFromEnv(process.env));
  const logger = createRootLogger({ level: config.log.level });
  for (const note of notes) logger.warn({ note }, 'configuration note');
  let dockd: Dockd | null = null;
  const ops = await ServiceOps.start({
    env: process.env,
    pid: process.pid,
    log: moduleLogger(logger, 'service'),
    version: version(),
    health: config.health.listen,
    readiness: combineReadiness([
      { name: 'ledger', check: () => (dockd ? null : 'the ledger is not open yet') },
      {
        name: 'usb',
        check: () => (dockd?.watcher.status().usbBus === 'absent' ? 'this machine has no USB bus' : null),
      },
    ]),
    checks: [
      stateWritableCheck(config.paths.stateDir),
      probeCheck('ledger', () => void dockd?.ledger.head()),
      progressCheck('ingest', () => dockd?.manager.activity() ?? [], config.ingest.stuckAfterMs),
    ],
  });
  dockd = await startDockd(config, { kind: 'real' }, logger);
  ops.ready();
  logger.info({ stateDir: config.paths.stateDir, config: config.source }, 'dockd ready');
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  logger.info('dockd stopping');
  await ops.stop();
  await dockd.stop();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`dockd ${version()}\n`);
    return 0;
  }
  if (command === 'demo') return demo(rest);
  if (command === 'run') return run(rest);
  process.stderr.write(
    command === undefined || command === '--help' ? USAGE : `dockd: unknown command '${command}'\n${USAGE}`,
  );
  return command === '--help' ? 0 : 64;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isConfigError(err)) {
      process.stderr.write(`${formatConfigError(err)}\n`);
      process.exitCode = err.exitCode; // 78 (EX_CONFIG): the unit does not restart on it
      return;
    }
    if (err instanceof NotifyUnavailableError) {
      process.stderr.write(`dockd: ${err.message}\n`);
      process.exitCode = NOTIFY_UNAVAILABLE_EXIT_CODE;
      return;
    }
    process.stderr.write(
      `dockd: ${err instanceof DockError ? err.message : `unexpected error: ${(err as Error).message}`}\n`,
    );
    if (process.env.DOCK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 70;
  },
);
