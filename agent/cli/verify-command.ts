import { existsSync, promises as fsp } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { errnoCode, isDockError } from '../errors.ts';
import { langFromEnv } from '../i18n/lang.ts';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.ts';
import { ledgerFile } from '../ledger/database.ts';
import { verifyLedger } from '../ledger/verify/verify-ledger.ts';
import type { VerifyProgress, VerifyReport } from '../ledger/verify/verify-report.ts';
import { commandConfig, parseCommandLine, SHARED_USAGE, UsageError, usageHint } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { handle } from './short-ids.ts';

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
  if (positionals.length > 0)
    throw new UsageError({ key: 'cli.usage.unexpected', params: { arg: positionals[0] ?? '' } });
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
function progressDisplay(
  io: CliIo,
  view: CliView,
): { update: (p: VerifyProgress) => void; clear: () => void } {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (!tty || (now - last < 100 && p.done < p.total)) return;
      last = now;
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      const line = view.t('cli.verify.progress', {
        stage: view.t(`cli.verify.stage.${p.stage}`),
        done: p.done.toLocaleString('en'),
        total: p.total.toLocaleString('en'),
        pct,
      });
      io.stderr.write(`\r\x1b[K${line}`);
    },
    clear() {
      if (tty) io.stderr.write('\r\x1b[K');
    },
  };
}

function seqText(seq: number | null, view: CliView): string {
  return seq === null ? '-' : view.t('cli.verify.seq', { seq });
}

function printReport(io: CliIo, r: VerifyReport, view: CliView): void {
  const out = (s: string) => io.stdout.write(`${s}\n`);
  const t = view.t;
  // The dock's id is the central store's key for it: its handle here, the whole id in --json.
  out(
    t('cli.verify.ledger', {
      file: r.file,
      dock: r.dockId ? handle(r.dockId) : t('cli.verify.unknown'),
      schema: r.schema,
    }),
  );
  const absent = r.stats.vaultAbsent;
  const files =
    r.stats.vaultFiles === null
      ? ''
      : `${t('cli.verify.files', { n: r.stats.vaultFiles })}${absent ? t('cli.verify.absent', absent) : ''}`;
  out(
    t('cli.verify.checked', {
      events: r.stats.events,
      head: r.head.seq,
      checkpoints: r.stats.checkpoints,
      clips: r.stats.clips,
      files,
    }),
  );
  if (r.against)
    out(
      t(r.against.extends ? 'cli.verify.extends' : 'cli.verify.notExtends', {
        seq: r.against.seq,
        head: r.against.head.slice(0, 12),
      }),
    );
  // English says the checker's sentence; another language the kind in words and the thing it
  // concerns (a file, a row's key), the English sentence staying in --json.
  for (const f of r.findings)
    out(
      view.lang === 'en'
        ? t('cli.verify.finding', { seq: seqText(f.seq, view), kind: f.kind, message: f.message })
        : t(f.subject ? 'cli.verify.findingOf' : 'cli.verify.findingKind', {
            seq: seqText(f.seq, view),
            kind: t(`verify.kind.${f.kind}`),
            subject: f.subject ?? '',
          }),
    );
  const total = Object.values(r.counts).reduce((a, b) => a + (b ?? 0), 0);
  if (total > r.findings.length) out(t('cli.verify.more', { n: total - r.findings.length }));
  out(
    r.ok
      ? t('cli.verify.holds')
      : t(total === 1 ? 'cli.verify.failedOne' : 'cli.verify.failed', { n: total }),
  );
  if (!r.ok && view.lang !== 'en') out(t('cli.verify.detailsInJson'));
}

async function run(io: CliIo): Promise<number> {
  const args = parse(io);
  if (args.help) {
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  const config = await commandConfig(args, io.env);
  const { paths } = config;
  if (!existsSync(ledgerFile(paths))) {
    io.stderr.write(
      `dockctl verify: there is no ledger at ${ledgerFile(paths)}: check --state, DOCK_STATE_DIR or --config\n`,
    );
    return ExitCode.noInput;
  }
  const against = args.against === undefined ? null : await readAgainst(args.against);
  const view = cliView(config, io.env);
  const progress = progressDisplay(io, view);
  let report: VerifyReport;
  try {
    report = await verifyLedger({ paths, files: args.files ?? false, against, onProgress: progress.update });
  } finally {
    progress.clear();
  }
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(io, report, view);
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
      const hint = err instanceof UsageError ? usageHint('verify', langFromEnv(io.env)) : '';
      const message = isConfigError(err)
        ? formatConfigError(err, langFromEnv(io.env))
        : (err as Error).message;
      io.stderr.write(`dockctl verify: ${message}${hint}\n`);
      return exitCodeFor(err);
    }
  },
};
