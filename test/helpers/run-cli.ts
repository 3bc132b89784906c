import { PassThrough } from 'node:stream';
import type { CliCommand } from '../../agent/cli/command.ts';
import { DockError } from '../../agent/errors.ts';

/**
 * Run a dockctl command in this process with captured output. A DockError it throws becomes what
 * dockctl's main makes of it: its one line on stderr and exit 65.
 */
export async function runCli(
  command: CliCommand,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  try {
    const code = await command.run({ argv, stdout, stderr, env });
    return { code, out, err };
  } catch (e) {
    if (e instanceof DockError) return { code: 65, out, err: e.message };
    throw e;
  }
}
