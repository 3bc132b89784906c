const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields shown in the line's head rather than as key=value. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'module', 'svc', 'pid', 'hostname']);

function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * One pino JSON line as text for a person at a terminal:
 * `12:04:05.120 INFO  ledger: checkpoint signed seq=100 head=9f3a…`. The error stack, when the
 * line carries one, follows on its own lines. Lines that are not JSON pass through unchanged.
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = LEVELS[entry.level as number] ?? String(entry.level);
  const module = typeof entry.module === 'string' ? `${entry.module}: ` : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !HEAD_FIELDS.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${showValue(v)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const errText = err ? ` err=${JSON.stringify(err.message ?? '')}${err.stack ? `\n${err.stack}` : ''}` : '';
  return `${time} ${level} ${module}${String(entry.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}${errText}`;
}

/** A pino destination that writes each JSON line as formatted text to `out` (a terminal). */
export function prettyDestination(out: { write(chunk: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk: string): void {
      const text = chunk
        .split('\n')
        .filter((l) => l !== '')
        .map(formatLogLine)
        .join('\n');
      out.write(`${text}\n`);
    },
  };
}
