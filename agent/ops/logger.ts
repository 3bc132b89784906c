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
}

/**
 * The root logger: JSON lines to stdout for journald, with redaction, or readable text in a
 * terminal. Modules take a child of it (`moduleLogger(root, 'ingest')`) through their
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
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** The child logger of one module: every line it writes carries `module: name`. */
export function moduleLogger(root: Logger, name: string): Logger {
  return root.child({ module: name });
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
