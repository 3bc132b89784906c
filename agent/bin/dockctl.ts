#!/usr/bin/env node
import { asksForHelp, commandHelp, ExitCode } from '../cli/command.ts';
import { commands } from '../cli/commands.ts';
import { DockError } from '../errors.ts';
import { MAIN_USAGE_ZH } from '../i18n/cli-help-zh.ts';
import { domainText } from '../i18n/domain.ts';
import { errorText } from '../i18n/error-words.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';

function usage(lang: Lang): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${commandHelp(c, '', lang).summary}`);
  const head = lang === 'en' ? 'usage: dockctl <command> [options]\n\ncommands:\n' : MAIN_USAGE_ZH;
  return `${head}${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const lang = langFromEnv(process.env);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(lang));
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`${domainText(lang, 'cli.unknownCommand', { name })}\n`);
    return ExitCode.usage;
  }
  // A command's help in Chinese comes from the catalogue; in English each command prints its own.
  if (lang !== 'en' && asksForHelp(rest)) {
    process.stdout.write(commandHelp(command, '', lang).usage);
    return ExitCode.ok;
  }
  return command.run({ argv: rest, stdout: process.stdout, stderr: process.stderr, env: process.env });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One line for a person; the stack only when asked for.
    const message =
      err instanceof DockError
        ? errorText(langFromEnv(process.env), err)
        : domainText(langFromEnv(process.env), 'cli.unexpectedError', { message: (err as Error).message });
    process.stderr.write(`dockctl: ${message}\n`);
    if (process.env.DOCK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = err instanceof DockError ? ExitCode.dataErr : ExitCode.software;
  },
);
