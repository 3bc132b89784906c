import { existsSync, promises as fsp } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { isDockError } from '../errors.ts';
import { createTarget } from '../forwarder/create-target.ts';
import { forwardStateFile, readForwardState } from '../forwarder/forward-state.ts';
import { parseForwarderConfig } from '../forwarder/forwarder-config.ts';
import { buildStatus, type ForwarderStatus } from '../forwarder/forwarder-status.ts';
import { langFromEnv } from '../i18n/lang.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { outboxBacklog } from '../ledger/outbox.ts';
import { silentLogger } from '../ops/logger.ts';
import type { DockPaths } from '../paths.ts';
import { NoLedgerError } from './cli-ledger.ts';
import { commandConfig, parseCommandLine, SHARED_USAGE, UsageError, usageHint } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { listParked, requeueParked } from './forward-parked.ts';
import { handle } from './short-ids.ts';
import { formatFields } from './table.ts';

const HELP = `usage: dockctl forward status [--config FILE] [--state DIR] [--json]
       dockctl forward fetch-checkpoint [--config FILE] [--state DIR] [--out FILE]
       dockctl forward parked [--json]
       dockctl forward requeue SEQ|RECORD_ID... | --all

  status            what waits to be forwarded and how delivery goes: backlog, oldest unsent
                    record, last success, last error, parked records (dockd need not run)
  fetch-checkpoint  fetch this dock's newest checkpoint from the configured central store and
                    write it to FILE (default stdout), for 'dockctl verify --against FILE'
  parked            the records the central store refused and the forwarder set aside
  requeue           send parked records again (dockd takes the request up at its next cycle)

${SHARED_USAGE}Exit status: 0 ok; 1 (status) the target is failing or records are parked; 66 no checkpoint or no
ledger; 74 the target cannot be reached; 78 configuration; 64 usage.
`;

type ForwardArgs = ReturnType<typeof parse>;

function parse(io: CliIo) {
  const { values, positionals } = parseCommandLine(io.argv, {
    out: { type: 'string' },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
  });
  if (positionals.length > 1 && positionals[0] !== 'requeue')
    throw new UsageError({ key: 'cli.usage.oneAction', params: { got: positionals.join(' ') } });
  return { ...values, action: values.help ? undefined : positionals[0], targets: positionals.slice(1) };
}

/** The configured state folder, refusing one without a ledger. */
async function ledgerConfig(args: ForwardArgs, io: CliIo): Promise<DockConfig> {
  const config = await commandConfig(args, io.env);
  if (!existsSync(ledgerFile(config.paths))) throw new NoLedgerError(config.paths.stateDir);
  return config;
}

/** The dock id and outbox backlog from the ledger, read-only. */
function readLedger(paths: DockPaths, afterSeq: number) {
  const db = openLedgerDatabase(ledgerFile(paths), { readonly: true });
  try {
    const dock = db.prepare('SELECT id FROM dock').get() as { id: string } | undefined;
    return { dockId: dock?.id ?? null, backlog: outboxBacklog(db, afterSeq) };
  } finally {
    db.close();
  }
}

function age(ms: number | null, view: CliView): string {
  if (ms === null) return '?';
  const h = ms / 3_600_000;
  if (h >= 48) return view.t('cli.life.days', { n: Math.floor(h / 24) });
  return h >= 1
    ? view.t('cli.life.hours', { n: Math.floor(h) })
    : view.t('cli.life.minutes', { n: Math.floor(ms / 60_000) });
}

function printStatus(io: CliIo, s: ForwarderStatus, view: CliView): void {
  const t = view.t;
  // Times in the dock's zone, as the page shows them; the last line says which zone.
  const at = (iso: string) => view.time(new Date(iso)) ?? iso;
  const fields: [string, string][] = [
    [t('cli.fwd.target'), s.target ?? t('cli.fwd.notRun')],
    [t('cli.fwd.reachable'), t(s.targetReachable ? 'cli.yes' : 'cli.no')],
    // The epoch is the central store's key for this run of the chain: its handle here.
    [t('cli.fwd.epoch'), s.epoch ? handle(s.epoch) : '-'],
    [t('cli.fwd.backlog'), t('cli.fwd.records', { n: s.backlog })],
    [
      t('cli.fwd.oldest'),
      s.oldestUnsentAt
        ? t('cli.fwd.ago', { at: at(s.oldestUnsentAt), age: age(s.oldestUnsentAgeMs, view) })
        : '-',
    ],
    [t('cli.fwd.lastSuccess'), s.lastSuccessAt ? at(s.lastSuccessAt) : t('cli.fwd.never')],
    [t('cli.fwd.lastError'), s.lastError ? `${at(s.lastError.at)} ${s.lastError.message}` : '-'],
    ...(s.nextAttemptAt ? [[t('cli.fwd.nextAttempt'), at(s.nextAttemptAt)] as [string, string]] : []),
    [t('cli.fwd.parked'), t('cli.fwd.records', { n: s.parked })],
    [t('cli.fwd.personal'), s.personalFields ?? '-'],
  ];
  io.stdout.write(`${formatFields(fields)}\n${view.zoneNote}`);
}

async function status(args: ForwardArgs, io: CliIo): Promise<number> {
  const config = await ledgerConfig(args, io);
  const { paths } = config;
  const stored = await readForwardState(forwardStateFile(paths.stateDir));
  const state = typeof stored === 'object' ? stored : null;
  const { backlog } = readLedger(paths, state?.ackedSeq ?? 0);
  const s = buildStatus(state, backlog, new Date(), 'unknown');
  const view = cliView(config, io.env);
  if (args.json) io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else printStatus(io, s, view);
  if (stored === 'unreadable') io.stderr.write(`${view.t('cli.fwd.stateUnreadable')}\n`);
  const failing = state !== null && !s.targetReachable;
  return failing || s.parked > 0 ? ExitCode.findings : ExitCode.ok;
}

async function fetchCheckpoint(args: ForwardArgs, io: CliIo): Promise<number> {
  const config = await ledgerConfig(args, io);
  const { stateDir } = config.paths;
  const { dockId } = readLedger(config.paths, 0);
  const forwarder = parseForwarderConfig(config.forwarder, `the forwarder section of ${config.source}`);
  const target = await createTarget(forwarder.target, { stateDir, logger: silentLogger() });
  try {
    const cp = dockId === null ? null : await target.fetchLatestCheckpoint(dockId);
    if (cp === null) {
      const words = cliView(config, io.env).t('cli.fwd.noCheckpoint', {
        target: target.description,
        dock: dockId ?? '-',
      });
      io.stderr.write(`dockctl forward: ${words}\n`);
      return ExitCode.noInput;
    }
    const text = `${JSON.stringify(cp, null, 2)}\n`;
    if (args.out) await fsp.writeFile(args.out, text);
    else io.stdout.write(text);
    if (args.out)
      io.stderr.write(
        `${cliView(config, io.env).t('cli.fwd.checkpointWritten', { seq: cp.seq, dock: cp.dock, file: args.out })}\n`,
      );
    return ExitCode.ok;
  } finally {
    await target.close();
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return ExitCode.usage;
  if (err instanceof NoLedgerError) return ExitCode.noInput;
  if (isConfigError(err) || isDockError(err, 'FORWARDER_CONFIG') || isDockError(err, 'FORWARDER_SECRET_FILE'))
    return ExitCode.config;
  if (isDockError(err, 'CHECKPOINT_FORMAT')) return ExitCode.dataErr;
  return ExitCode.ioErr;
}

/** `dockctl forward`: delivery status, and fetching a checkpoint back from the central store. */
export const forwardCommand: CliCommand = {
  name: 'forward',
  summary: 'forwarding to the central store: status; fetch-checkpoint for verify --against',
  async run(io) {
    try {
      const args = parse(io);
      if (args.action === 'status') return await status(args, io);
      if (args.action === 'fetch-checkpoint') return await fetchCheckpoint(args, io);
      if (args.action === 'parked') {
        const config = await ledgerConfig(args, io);
        return await listParked(config.paths, io, !!args.json, cliView(config, io.env));
      }
      if (args.action === 'requeue') {
        const config = await ledgerConfig(args, io);
        return await requeueParked(config.paths, io, args.targets, !!args.all, cliView(config, io.env));
      }
      if (args.action !== undefined)
        throw new UsageError({ key: 'cli.usage.unknownAction', params: { action: args.action } });
      io.stdout.write(HELP);
      return io.argv.length === 0 ? ExitCode.usage : ExitCode.ok;
    } catch (err) {
      const known = err instanceof UsageError || err instanceof NoLedgerError || isDockError(err);
      if (!known) throw err;
      const message = isConfigError(err)
        ? formatConfigError(err, langFromEnv(io.env))
        : (err as Error).message;
      const hint = err instanceof UsageError ? usageHint('forward', langFromEnv(io.env)) : '';
      io.stderr.write(`dockctl forward: ${message}${hint}\n`);
      return exitCodeFor(err);
    }
  },
};
