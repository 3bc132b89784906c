#!/usr/bin/env node
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createIngestRuntime } from '../cli/ingest-runtime.ts';
import { runIngestDemo } from '../demo/ingest-demo.ts';
import { DockError } from '../errors.ts';
import { createRootLogger } from '../ops/logger.ts';
import { pathsUnder } from '../paths.ts';

const USAGE = `usage: dockd demo [--dir DIR] [--clip-mib N]
       dockd --version

  demo   run the ingest core on a simulated recorder (state under DIR, default ./.state/demo)
`;

function version(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, 'clip-mib': { type: 'string' } },
  });
  const demoDir = path.resolve(values.dir ?? '.state/demo');
  const clipMib = Number(values['clip-mib'] ?? 192);
  if (!Number.isInteger(clipMib) || clipMib < 1)
    throw new DockError('USAGE', `--clip-mib must be a whole number ≥ 1, got ${values['clip-mib']}`);
  const logger = createRootLogger({ level: process.env.DOCK_LOG_LEVEL ?? 'warn' });
  const runtime = createIngestRuntime(pathsUnder(path.join(demoDir, 'state')), logger);
  const stop = () => {
    process.stdout.write('\ndockd: stopping (Ctrl-C); partial copies are kept and resume next time\n');
    runtime.close().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runIngestDemo({
      demoDir,
      ingester: runtime.ingester,
      out: process.stdout,
      logger,
      clipBytes: clipMib * 1024 * 1024,
    });
  } finally {
    await runtime.close();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`dockd ${version()}\n`);
    return 0;
  }
  if (command === 'demo') return demo(rest);
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
