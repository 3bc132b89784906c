import { existsSync, promises as fsp } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { isDockError } from '../errors.ts';
import { createTarget } from '../forwarder/create-target.ts';
import { forwardStateFile, readForwardState } from '../forwarder/forward-state.ts';
import { parseForwarderConfig } from '../forwarder/forwarder-config.ts';
import { buildStatus, type ForwarderStatus } from '../forwarder/forwarder-status.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { outboxBacklog } from '../ledger/outbox.ts';
import { silentLogger } from '../ops/logger.ts';
import type { DockPaths } from '../paths.ts';
import { NoLedgerError } from './cli-ledger.ts';
import { commandConfig, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { listParked, requeueParked } from './forward-parked.ts';

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
    throw new UsageError(`one action only, got '${positionals.join(' ')}'`);
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

function age(ms: number | null): string {
  if (ms === null) return '-';
  const h = Math.floor(ms / 3_600_000);
  return h >= 48 ? `${Math.floor(h / 24)} days` : h >= 1 ? `${h} h` : `${Math.floor(ms / 60_000)} min`;
}

function printStatus(io: CliIo, s: ForwarderStatus): void {
  const line = (k: string, v: string) => io.stdout.write(`${k.padEnd(16)} ${v}\n`);
  line('target', s.target ?? '(the forwarder has not run yet)');
  line('reachable', s.targetReachable ? 'yes' : 'no');
  line('epoch', s.epoch ?? '-');
  line('backlog', `${s.backlog} records`);
  line('oldest unsent', s.oldestUnsentAt ? `${s.oldestUnsentAt} (${age(s.oldestUnsentAgeMs)} ago)` : '-');
  line('last success', s.lastSuccessAt ?? 'never');
  line('last error', s.lastError ? `${s.lastError.at} ${s.lastError.message}` : '-');
  if (s.nextAttemptAt) line('next attempt', s.nextAttemptAt);
  line('parked', `${s.parked} records`);
  line('personal fields', s.personalFields ?? '-');
}

async function status(args: ForwardArgs, io: CliIo): Promise<number> {
  const { paths } = await ledgerConfig(args, io);
  const stored = await readForwardState(forwardStateFile(paths.stateDir));
  const state = typeof stored === 'object' ? stored : null;
  const { backlog } = readLedger(paths, state?.ackedSeq ?? 0);
  const s = buildStatus(state, backlog, new Date(), 'unknown');
  if (args.json) io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else printStatus(io, s);
  if (stored === 'unreadable') io.stderr.write('dockctl forward: the forwarder state file is unreadable\n');
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
      io.stderr.write(`dockctl forward: ${target.description} holds no checkpoint of dock ${dockId}\n`);
      return ExitCode.noInput;
    }
    const text = `${JSON.stringify(cp, null, 2)}\n`;
    if (args.out) await fsp.writeFile(args.out, text);
    else io.stdout.write(text);
    if (args.out) io.stderr.write(`checkpoint ${cp.seq} of dock ${cp.dock} written to ${args.out}\n`);
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
      if (args.action === 'parked')
        return await listParked((await ledgerConfig(args, io)).paths, io, !!args.json);
      if (args.action === 'requeue')
        return await requeueParked((await ledgerConfig(args, io)).paths, io, args.targets, !!args.all);
      if (args.action !== undefined) throw new UsageError(`unknown action '${args.action}'`);
      io.stdout.write(HELP);
      return io.argv.length === 0 ? ExitCode.usage : ExitCode.ok;
    } catch (err) {
      const known = err instanceof UsageError || err instanceof NoLedgerError || isDockError(err);
      if (!known) throw err;
      const message = isConfigError(err) ? formatConfigError(err) : (err as Error).message;
      const hint = err instanceof UsageError ? `; run 'dockctl forward --help'` : '';
      io.stderr.write(`dockctl forward: ${message}${hint}\n`);
      return exitCodeFor(err);
    }
  },
};
