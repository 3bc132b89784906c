import { CLI_HELP_ZH } from '../i18n/cli-help-zh.ts';
import type { Lang } from '../i18n/lang.ts';

/** What a dockctl subcommand gets: its arguments and where to write. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** One dockctl subcommand. `run` resolves to the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  run(io: CliIo): Promise<number>;
}

/** Exit codes scripts can rely on (sysexits.h where one fits). */
export const ExitCode = {
  ok: 0,
  /** The check ran and found problems (verify, doctor). */
  findings: 1,
  usage: 64,
  dataErr: 65,
  noInput: 66,
  software: 70,
  ioErr: 74,
  config: 78,
} as const;

/** The words a person reads of a command in `lang`: its one-line summary and its --help. */
export function commandHelp(
  command: Pick<CliCommand, 'name' | 'summary'>,
  english: string,
  lang: Lang,
): { summary: string; usage: string } {
  const zh = lang === 'zh-CN' ? CLI_HELP_ZH[command.name] : undefined;
  return zh ?? { summary: command.summary, usage: english };
}

/** Whether the command line asks for help (`--help` or `-h` anywhere before a `--`). */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
