#!/usr/bin/env node
import { ExitCode } from '../cli/command.ts';
import { runDockctl } from '../cli/dockctl-run.ts';
import { DockError } from '../errors.ts';
import { domainText } from '../i18n/domain.ts';
import { errorText } from '../i18n/error-words.ts';
import { langFromEnv } from '../i18n/lang.ts';

runDockctl(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
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
