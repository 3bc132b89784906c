import { MAIN_USAGE_ZH } from '../i18n/cli-help-zh.ts';
import { domainText } from '../i18n/domain.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import type { CliIo } from './command.ts';
import { asksForHelp, commandHelp, ExitCode } from './command.ts';
import { commands } from './commands.ts';

function usage(lang: Lang): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${commandHelp(c, '', lang).summary}`);
  const head = lang === 'en' ? 'usage: dockctl <command> [options]\n\ncommands:\n' : MAIN_USAGE_ZH;
  return `${head}${lines.join('\n')}\n`;
}

/**
 * dockctl itself: the command named first in `argv` run with the rest, or the list of commands.
 * Resolves to the exit code; bin/dockctl.ts runs it on the process's streams and environment.
 */
export async function runDockctl(argv: readonly string[], io: Omit<CliIo, 'argv'>): Promise<number> {
  const lang = langFromEnv(io.env);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage(lang));
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`${domainText(lang, 'cli.unknownCommand', { name })}\n`);
    return ExitCode.usage;
  }
  // A command's help in Chinese comes from the catalogue; in English each command prints its own.
  if (lang !== 'en' && asksForHelp(rest)) {
    io.stdout.write(commandHelp(command, '', lang).usage);
    return ExitCode.ok;
  }
  return command.run({ ...io, argv: rest });
}
