import type { LoadedConfig } from '../config/config-loader.ts';
import type { DockConfig } from '../config/dock-config.ts';
import type { ServiceAccount } from '../mountd/service-account.ts';

/** pass: fine; warn: works, but look at it; fail: the dock cannot do its job until fixed. */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** One check's verdict: a sentence saying what was found, and for warn/fail what to do. */
export interface DoctorResult {
  readonly status: DoctorStatus;
  readonly summary: string;
  readonly fix?: string;
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

/** A passing result. */
export const pass = (summary: string): DoctorResult => ({ status: 'pass', summary });
/** Works, but look at it: what was found and what to do. */
export const warn = (summary: string, fix: string): DoctorResult => ({ status: 'warn', summary, fix });
/** The dock cannot do its job: what was found and what to do. */
export const fail = (summary: string, fix: string): DoctorResult => ({ status: 'fail', summary, fix });

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
        () =>
          resolve(
            fail(
              `the check did not finish within ${timeoutMs / 1000} s`,
              'run it again; if it hangs, look at the journal',
            ),
          ),
        timeoutMs,
      );
    });
    const result = await Promise.race([
      check
        .run(ctx)
        .catch((err: unknown) =>
          fail(
            `the check itself failed (${(err as Error).message})`,
            'report this with the output of dockctl doctor --json',
          ),
        ),
      timeout,
    ]);
    clearTimeout(timer);
    out.push({ name: check.name, ...result });
  }
  return out;
}

/** The report as text: one pass/warn/fail line per check, the fix indented below. */
export function formatDoctor(lines: readonly DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.name.length));
  const text = lines.flatMap((l) => [
    `${l.status.toUpperCase().padEnd(4)}  ${l.name.padEnd(width)}  ${l.summary}`,
    ...(l.fix && l.status !== 'pass' ? [`${' '.repeat(width + 8)}→ ${l.fix}`] : []),
  ]);
  const failed = lines.filter((l) => l.status === 'fail').length;
  const warned = lines.filter((l) => l.status === 'warn').length;
  const total =
    failed === 0 && warned === 0
      ? `all ${lines.length} checks pass`
      : `${failed} failed, ${warned} to look at, ${lines.length - failed - warned} pass`;
  return `${text.join('\n')}\n\n${total}\n`;
}
