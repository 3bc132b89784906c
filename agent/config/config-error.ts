import { DockError } from '../errors.ts';

/** sysexits.h EX_CONFIG: the unit's RestartPreventExitStatus names it, so systemd does not restart. */
export const CONFIG_EXIT_CODE = 78;

/** One thing wrong with a configuration file, where it is, and what to do about it. */
export interface ConfigProblem {
  /** Key path in the file, `drivers.gaSdk.password`, `fingerprints.models[0].id`; '' for the whole file. */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line: number | null;
  /** What is wrong, as a clause: "must be one of …". */
  readonly message: string;
  /** What to do, as an imperative clause: "set version: 2". */
  readonly hint: string;
}

/**
 * The configuration cannot be used. Lists every problem found, each with its key path, line and
 * a hint; the process exits with CONFIG_EXIT_CODE (78) so systemd does not restart-loop on it.
 */
export class ConfigError extends DockError {
  readonly exitCode = CONFIG_EXIT_CODE;
  constructor(
    /** The file (or "the embedded defaults") that was read. */
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(
      'CONFIG_INVALID',
      `the configuration ${source} has ${count}: fix each one listed, then run 'dockctl config check ${source}'`,
      options,
    );
  }
}

/** True when `err` is a ConfigError. */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/** One problem as one line: `drivers.gaSdk.password (line 12): must be a string; write it in quotes`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? 'the file' : problem.path;
  const line = problem.line === null ? '' : ` (line ${problem.line})`;
  return oneLine(`${where}${line}: ${problem.message}; ${problem.hint}`);
}

/** Text from the file (keys, values, parser messages) on one line: control and line-break characters escaped. */
export function oneLine(text: string): string {
  return text.replace(
    /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The error's sentence followed by one indented line per problem, for stderr or the journal. */
export function formatConfigError(err: ConfigError): string {
  return [oneLine(err.message), ...err.problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}
