import pino, { type Logger } from 'pino';

/**
 * Field paths never written to logs: secrets (passwords, tokens, keys) and personal data (R11:
 * party and officer names). Applies at any depth up to two levels below a log call's fields.
 */
export const REDACTED_FIELDS = [
  'password',
  'sPwd',
  'devicePassword',
  'token',
  'authorization',
  'privateKey',
  'partyName',
  'officerName',
  'userName',
  'unitName',
];

function redactPaths(): string[] {
  return REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
}

/**
 * The root logger: JSON lines to stdout for journald, with redaction. Modules take a child of it
 * (`root.child({ module: 'ingest' })`) through their constructor; there is no global logger.
 */
export function createRootLogger(
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? process.env.DOCK_LOG_LEVEL ?? 'info',
    base: { svc: 'recorder-dock' },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
