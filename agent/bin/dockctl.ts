#!/usr/bin/env node
import { ExitCode } from '../cli/command.ts';
import { commands } from '../cli/commands.ts';
import { DockError } from '../errors.ts';
import { domainText } from '../i18n/domain.ts';
import { errorText } from '../i18n/error-words.ts';
import { langFromEnv } from '../i18n/lang.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: dockctl <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`${domainText(langFromEnv(process.env), 'cli.unknownCommand', { name })}\n`);
    return ExitCode.usage;
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
        : `unexpected error: ${(err as Error).message}`;
    process.stderr.write(`dockctl: ${message}\n`);
    if (process.env.DOCK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = err instanceof DockError ? ExitCode.dataErr : ExitCode.software;
  },
);
