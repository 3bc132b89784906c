import { writeSync } from 'node:fs';
import { failpoint } from '../../agent/ops/failpoints.ts';

/** The fields of dockd's log lines that name what a line is about (failpoint subjects). */
const SUBJECT_FIELDS = ['serial', 'step', 'detail', 'relPath', 'source'] as const;

/** `'sealed file wiped from recorder'` → `'log.sealed-file-wiped-from-recorder'`. */
export function logPointName(msg: string): string {
  return `log.${msg
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

/**
 * The pino destination of the crash child: every line of dockd's log goes to stdout (the harness
 * keeps it), and is then a failpoint named after its message (`log.dock-step`, `log.file-sealed`,
 * `log.recorder-file-deleted-after-seal` …) with the line's serial, step and paths as subject.
 * pino writes synchronously, so a failpoint here stops dockd right after the logged step and
 * before its next statement: a deterministic place in agent/dock without editing it.
 */
export const logTap = {
  write(line: string): void {
    writeSync(1, line.endsWith('\n') ? line : `${line}\n`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof parsed.msg !== 'string') return;
    const subject = SUBJECT_FIELDS.map((f) => parsed[f])
      .filter((v) => typeof v === 'string')
      .join(' ');
    failpoint(logPointName(parsed.msg), subject);
  },
};

/** Print one telemetry line (see run-spec.ts). */
export function tell(line: object): void {
  writeSync(1, `${JSON.stringify(line)}\n`);
}
