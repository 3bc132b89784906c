import { existsSync, promises as fsp } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { errnoCode, isDockError } from '../errors.ts';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.ts';
import { ledgerFile } from '../ledger/database.ts';
import { verifyLedger } from '../ledger/verify/verify-ledger.ts';
import type { VerifyProgress, VerifyReport } from '../ledger/verify/verify-report.ts';
import { commandConfig, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';

const HELP = `usage: dockctl verify [--config FILE] [--state DIR] [--files] [--against CHECKPOINT.json] [--json]

Checks the ledger: the hash chain from genesis, that no sequence number is missing, every
checkpoint signature, and every table row against the events. Reports every failure.
${SHARED_USAGE}  --files            also hash every vault file (paths.vaultDir) against its seal and look for
                     unsealed files
  --against FILE     a checkpoint from the central store the local chain must extend
  --json             print the report as JSON
Exit status: 0 all holds, 1 findings, 64 usage, 65 bad data, 66 missing input, 74 I/O error,
78 configuration.
`;

/** An input file that cannot be read; `errno` picks the exit code. */
class InputError extends Error {
  constructor(
    message: string,
    readonly errno: string,
  ) {
    super(message);
  }
}

function parse(io: CliIo) {
  const { values, positionals } = parseCommandLine(io.argv, {
    files: { type: 'boolean' },
    against: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return values;
}

async function readAgainst(file: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = errnoCode(err) ?? 'error';
    throw new InputError(
      `the checkpoint file ${file} cannot be read (${code}): check the path given to --against`,
      code,
    );
  }
  return parseCheckpoint(text, file);
}

/** A one-line progress display on a terminal, redrawn at most ten times a second. */
function progressDisplay(io: CliIo): { update: (p: VerifyProgress) => void; clear: () => void } {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  const names = { events: 'events', tables: 'tables', vault: 'vault bytes' };
  return {
    update(p) {
      const now = Date.now();
      if (!tty || (now - last < 100 && p.done < p.total)) return;
      last = now;
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      io.stderr.write(
        `\r\x1b[Kverify: ${names[p.stage]} ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} (${pct}%)`,
      );
    },
    clear() {
      if (tty) io.stderr.write('\r\x1b[K');
    },
  };
}

function printReport(io: CliIo, r: VerifyReport): void {
  const out = (s: string) => io.stdout.write(`${s}\n`);
  out(`ledger ${r.file}: dock ${r.dockId ?? '(unknown)'}, schema ${r.schema}`);
  const absent = r.stats.vaultAbsent;
  const files =
    r.stats.vaultFiles === null
      ? ''
      : `, ${r.stats.vaultFiles} vault files hashed${absent ? ` (absent on purpose: ${absent.purged} purged, ${absent.recoverable} in the recoverable area, ${absent.evicted} evicted with a verified off-site copy)` : ''}`;
  out(
    `checked ${r.stats.events} events (head ${r.head.seq}), ${r.stats.checkpoints} checkpoints, ${r.stats.clips} clips${files}`,
  );
  if (r.against) {
    const verdict = r.against.extends ? 'the local chain extends it' : 'the local chain does NOT extend it';
    out(`against checkpoint ${r.against.seq} (head ${r.against.head.slice(0, 12)}…): ${verdict}`);
  }
  for (const f of r.findings) out(`FAIL ${f.seq === null ? '-' : `seq ${f.seq}`}  ${f.kind}: ${f.message}`);
  const total = Object.values(r.counts).reduce((a, b) => a + (b ?? 0), 0);
  if (total > r.findings.length) out(`(${total - r.findings.length} more findings not listed)`);
  out(
    r.ok
      ? 'verify: everything holds'
      : `verify: ${total} finding${total === 1 ? '' : 's'}: the ledger does NOT hold`,
  );
}

async function run(io: CliIo): Promise<number> {
  const args = parse(io);
  if (args.help) {
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  const { paths } = await commandConfig(args, io.env);
  if (!existsSync(ledgerFile(paths))) {
    io.stderr.write(
      `dockctl verify: there is no ledger at ${ledgerFile(paths)}: check --state, DOCK_STATE_DIR or --config\n`,
    );
    return ExitCode.noInput;
  }
  const against = args.against === undefined ? null : await readAgainst(args.against);
  const progress = progressDisplay(io);
  let report: VerifyReport;
  try {
    report = await verifyLedger({ paths, files: args.files ?? false, against, onProgress: progress.update });
  } finally {
    progress.clear();
  }
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(io, report);
  return report.ok ? ExitCode.ok : ExitCode.findings;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return ExitCode.usage;
  if (isConfigError(err)) return err.exitCode;
  if (
    isDockError(err, 'CHECKPOINT_FORMAT') ||
    isDockError(err, 'LEDGER_FOREIGN') ||
    isDockError(err, 'LEDGER_TOO_NEW')
  ) {
    return ExitCode.dataErr;
  }
  if (err instanceof InputError) return err.errno === 'ENOENT' ? ExitCode.noInput : ExitCode.ioErr;
  return ExitCode.ioErr;
}

/** `dockctl verify`: prove the ledger, its checkpoints and (with --files) the vault are intact. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary:
    'check the ledger chain, checkpoints, tables and (--files) the vault; --against a central checkpoint',
  async run(io) {
    try {
      return await run(io);
    } catch (err) {
      const known = err instanceof UsageError || err instanceof InputError || isDockError(err);
      if (!known) throw err;
      const hint = err instanceof UsageError ? `; run 'dockctl verify --help'` : '';
      const message = isConfigError(err) ? formatConfigError(err) : (err as Error).message;
      io.stderr.write(`dockctl verify: ${message}${hint}\n`);
      return exitCodeFor(err);
    }
  },
};
