#!/usr/bin/env node
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDockDemo } from '../demo/dock-demo.ts';
import { DockError } from '../errors.ts';
import { defaultSettings, startDockd } from '../main.ts';
import { createRootLogger } from '../ops/logger.ts';
import { defaultPaths, pathsUnder } from '../paths.ts';

const USAGE = `usage: dockd run [--state DIR]
       dockd demo [--dir DIR] [--clip-mib N] [--exit]
       dockd --version

  run    the docking daemon on this machine's USB stack (state in DIR, default /var/lib/recorder-dock)
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
  await runDockDemo({
    demoDir,
    out: process.stdout,
    logger,
    clipBytes: clipMib * 1024 * 1024,
    keepRunning: process.stdout.isTTY === true && !values.exit,
    stopRequested,
  });
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { state: { type: 'string' } } });
  const paths = values.state ? pathsUnder(path.resolve(values.state)) : defaultPaths();
  const logger = createRootLogger();
  const dockd = await startDockd(defaultSettings(paths), { kind: 'real' }, logger);
  logger.info({ stateDir: paths.stateDir }, 'dockd ready');
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  logger.info('dockd stopping');
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
    process.stderr.write(
      `dockd: ${err instanceof DockError ? err.message : `unexpected error: ${(err as Error).message}`}\n`,
    );
    if (process.env.DOCK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 70;
  },
);
