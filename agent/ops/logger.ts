import { fstatSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { prettyDestination } from './pretty-log-stream.ts';

/**
 * Field names never written to logs: secrets (passwords, tokens, keys) and personal data (R11:
 * party and officer names). Applies at any depth up to three levels below a log call's fields,
 * so a whole config section or device identity can be logged safely.
 */
export const REDACTED_FIELDS = [
  'password',
  'sPwd',
  'devicePassword',
  'token',
  'authorization',
  'privateKey',
  'secretAccessKey',
  'partyName',
  'officerName',
  'userName',
  'unitName',
];

function redactPaths(): string[] {
  return REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);
}

/** Options of the root logger. */
export interface RootLoggerOptions {
  readonly level?: string;
  /** Where JSON lines go; default stdout (journald under systemd). */
  readonly destination?: pino.DestinationStream;
  /**
   * Human-readable lines instead of JSON. Default: when writing to stdout and stdout is a
   * terminal (someone ran dockd by hand); never under systemd, where stdout is the journal.
   */
  readonly pretty?: boolean;
  /**
   * Prefix each line with its syslog priority (`<3>{"level":50,…}`), which journald reads and
   * strips, so `journalctl -p warning` shows warnings and errors. Default: when stdout is the
   * journal ($JOURNAL_STREAM names it).
   */
  readonly journal?: boolean;
}

/** The syslog priority journald gives a line of this pino level. */
export function syslogPriority(level: number): number {
  if (level >= 60) return 2; // fatal: crit
  if (level >= 50) return 3; // error: err
  if (level >= 40) return 4; // warn: warning
  if (level >= 30) return 6; // info
  return 7; // debug, trace
}

/** A destination that puts each JSON line's `<N>` syslog priority in front of it. */
export function journalDestination(dest: { write(line: string): unknown }): { write(line: string): void } {
  return {
    write(line) {
      // pino writes one line per call, and "level" is always its first field.
      const level = /^\{"level":(\d+)/.exec(line)?.[1];
      dest.write(level === undefined ? line : `<${syslogPriority(Number(level))}>${line}`);
    },
  };
}

/** Whether stdout is connected to journald: systemd names the stream in $JOURNAL_STREAM (dev:inode). */
export function stdoutIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const [dev, ino] = (env.JOURNAL_STREAM ?? '').split(':');
  if (!dev || !ino) return false;
  try {
    const st = fstatSync(1, { bigint: true });
    return String(st.dev) === dev && String(st.ino) === ino;
  } catch {
    return false;
  }
}

/**
 * The root logger: JSON lines to stdout for journald (each with its syslog priority), with
 * redaction, or readable text in a terminal. Modules take a child of it (`moduleLogger(root, 'ingest')`) through their
 * constructor; there is no global logger. Messages are constant; variables go in fields.
 */
export function createRootLogger(options: RootLoggerOptions = {}): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? process.env.DOCK_LOG_LEVEL ?? 'info',
    base: { svc: 'recorder-dock' },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  if (pretty) return pino(opts, prettyDestination(options.destination ?? process.stdout));
  const journal = options.journal ?? (options.destination === undefined && stdoutIsJournal());
  if (journal) return pino(opts, journalDestination(options.destination ?? pino.destination(1)));
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/**
 * The child logger of one module: every line it writes carries `module: name` once (a logger that
 * is already that module's is returned as it is: pino would write the key twice).
 */
export function moduleLogger(root: Logger, name: string): Logger {
  if (root.bindings().module === name) return root;
  return root.child({ module: name });
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
