import type { LoadedConfig } from '../config/config-loader.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { isDomainKey } from '../i18n/domain.ts';
import type { Lang } from '../i18n/lang.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';
import type { ServiceAccount } from '../mountd/service-account.ts';

/** pass: fine; warn: works, but look at it; fail: the dock cannot do its job until fixed. */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** One check's verdict: a sentence saying what was found, and for warn/fail what to do. */
export interface DoctorResult {
  readonly status: DoctorStatus;
  /** In English, as --json prints it. */
  readonly summary: string;
  readonly fix?: string;
  /** The same sentences from the catalogue, for the report in the reader's language. */
  readonly words?: { readonly summary: Said | string; readonly fix?: Said | string };
}

/** Host paths and probes doctor looks at; every one overridable for tests. */
export interface DoctorHost {
  readonly sysBusUsb: string;
  readonly udevControl: string;
  readonly udevRulesDirs: readonly string[];
  readonly localtime: string;
  /** sysfs's tty class (recorder command ports and the USB devices behind them). */
  readonly sysClassTty: string;
  readonly devDir: string;
  /** The kernel's device classes (char and block majors by name). */
  readonly procDevices: string;
  /** group(5): the service user's supplementary groups. */
  readonly groupFile: string;
  /** Kernel clock state (adjtimex): true synchronised, false not, null unknown. */
  readonly clockSynchronised: () => Promise<boolean | null>;
  readonly serviceAccount: () => Promise<ServiceAccount | null>;
  /** The effective uid of doctor itself (root checks on behalf of the service user). */
  readonly uid: number;
}

/** What every check gets. */
export interface DoctorContext {
  readonly configFile: string;
  /** The loaded configuration; null when it is invalid (checks then run on the defaults). */
  readonly loaded: LoadedConfig | null;
  /** The configuration checks run on: the file's, or the embedded defaults when it is invalid. */
  readonly config: DockConfig;
  readonly host: DoctorHost;
}

/** One line of `dockctl doctor`. */
export interface DoctorCheck {
  readonly name: string;
  run(ctx: DoctorContext): Promise<DoctorResult>;
}

/** A finished check with its name. */
export interface DoctorLine extends DoctorResult {
  readonly name: string;
}

function verdict(status: DoctorStatus, summary: Said | string, fix?: Said | string): DoctorResult {
  if (fix === undefined) return { status, summary: sayIn('en', summary), words: { summary } };
  return { status, summary: sayIn('en', summary), fix: sayIn('en', fix), words: { summary, fix } };
}

/** A passing result (a catalogue sentence, or a string that is said as it is in every language). */
export const pass = (summary: Said | string): DoctorResult => verdict('pass', summary);
/** Works, but look at it: what was found and what to do. */
export const warn = (summary: Said | string, fix: Said | string): DoctorResult =>
  verdict('warn', summary, fix);
/** The dock cannot do its job: what was found and what to do. */
export const fail = (summary: Said | string, fix: Said | string): DoctorResult =>
  verdict('fail', summary, fix);

/** Run every check in order, each bounded by `timeoutMs`; a check that throws or hangs fails. */
export async function runDoctor(
  checks: readonly DoctorCheck[],
  ctx: DoctorContext,
  timeoutMs = 30_000,
): Promise<DoctorLine[]> {
  const out: DoctorLine[] = [];
  for (const check of checks) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DoctorResult>((resolve) => {
      timer = setTimeout(
        () => resolve(fail(said('doctor.timeout', { seconds: timeoutMs / 1000 }), said('doctor.timeoutFix'))),
        timeoutMs,
      );
    });
    const result = await Promise.race([
      check
        .run(ctx)
        .catch((err: unknown) =>
          fail(said('doctor.crashed', { message: (err as Error).message }), said('doctor.crashedFix')),
        ),
      timeout,
    ]);
    clearTimeout(timer);
    out.push({ name: check.name, ...result });
  }
  return out;
}

/** The lines as --json prints them: name, status, and the sentences in English. */
export function doctorJson(lines: readonly DoctorLine[]): object {
  return { checks: lines.map(({ words: _, ...line }) => line) };
}

/** Columns of a terminal a text takes (CJK characters are two wide). */
function columns(text: string): number {
  return [...text].reduce(
    (n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(c) ? 2 : 1),
    0,
  );
}

/** A check's name in `lang` (the catalogue's doctor.name.*, else the name itself). */
function checkName(name: string, lang: Lang): string {
  const key = `doctor.name.${name}`;
  return lang !== 'en' && isDomainKey(key) ? sayIn(lang, said(key)) : name;
}

/** The report as text in `lang`: one pass/warn/fail line per check, the fix indented below. */
export function formatDoctor(lines: readonly DoctorLine[], lang: Lang = 'en'): string {
  const names = lines.map((l) => checkName(l.name, lang));
  const width = Math.max(...names.map(columns));
  const text = lines.flatMap((l, i) => {
    const name = names[i] ?? l.name;
    const status = sayIn(lang, said(`doctor.status.${l.status}`));
    const fix = l.words?.fix === undefined ? l.fix : sayIn(lang, l.words.fix);
    return [
      `${status}  ${name}${' '.repeat(width - columns(name))}  ${l.words ? sayIn(lang, l.words.summary) : l.summary}`,
      ...(fix && l.status !== 'pass' ? [`${' '.repeat(width + 8)}→ ${fix}`] : []),
    ];
  });
  const failed = lines.filter((l) => l.status === 'fail').length;
  const warned = lines.filter((l) => l.status === 'warn').length;
  const total =
    failed === 0 && warned === 0
      ? said('doctor.allPass', { n: lines.length })
      : said('doctor.total', { failed, warned, passed: lines.length - failed - warned });
  return `${text.join('\n')}\n\n${sayIn(lang, total)}\n`;
}
