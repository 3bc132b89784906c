import { DockError } from '../errors.ts';
import { type DomainKey, domainText } from '../i18n/domain.ts';
import type { Lang, MessageParams } from '../i18n/lang.ts';

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
  /** The same in the catalogue (agent/i18n), for readers of other languages. */
  readonly words?: ProblemWords;
}

/** A problem's message and hint as catalogue keys with their parameters. */
export interface ProblemWords {
  readonly message: DomainKey;
  readonly hint: DomainKey;
  readonly params?: MessageParams;
}

/** Type names in a `cfg.type` problem, as the reader's language writes them ('integer,null'). */
function typesIn(lang: Lang, codes: string): string {
  return codes
    .split(',')
    .map((c) => {
      const key = `cfg.type.${c}` as DomainKey;
      return domainText(lang, key) === key ? c : domainText(lang, key);
    })
    .join(domainText(lang, 'cfg.type.or'));
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

/**
 * One problem as one line: `drivers.gaSdk.password (line 12): must be a string; write it in
 * quotes`, in English, or from the catalogue in Chinese when the problem carries its words.
 */
export function formatProblem(problem: ConfigProblem, lang: Lang = 'en'): string {
  const w = problem.words;
  if (lang === 'en' || !w) {
    const where = problem.path === '' ? 'the file' : problem.path;
    const line = problem.line === null ? '' : ` (line ${problem.line})`;
    return oneLine(`${where}${line}: ${problem.message}; ${problem.hint}`);
  }
  const params = {
    ...w.params,
    ...(w.params?.types ? { types: typesIn(lang, String(w.params.types)) } : {}),
  };
  const where = problem.path === '' ? domainText(lang, 'cfg.theFile') : problem.path;
  const line = problem.line === null ? '' : domainText(lang, 'cfg.line', { n: problem.line });
  return oneLine(
    `${where}${line}：${domainText(lang, w.message, params)}；${domainText(lang, w.hint, params)}`,
  );
}

/** Text from the file (keys, values, parser messages) on one line: control and line-break characters escaped. */
export function oneLine(text: string): string {
  return text.replace(
    /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The error's sentence followed by one indented line per problem, for stderr or the journal. */
export function formatConfigError(err: ConfigError, lang: Lang = 'en'): string {
  const n = err.problems.length;
  const head =
    lang === 'en'
      ? err.message
      : domainText(lang, n === 1 ? 'cfg.header.one' : 'cfg.header.many', { source: err.source, n });
  return [oneLine(head), ...err.problems.map((p) => `  - ${formatProblem(p, lang)}`)].join('\n');
}
