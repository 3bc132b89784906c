import { PassThrough, type Readable } from 'node:stream';
import type { CliCommand } from '../../agent/cli/command.ts';

/** Run a dockctl command in this process, collecting what it prints; `stdin` for password prompts. */
export async function runCommand(
  command: CliCommand,
  argv: string[],
  stdin?: Readable,
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
  const io = { argv, stdout, stderr, env, ...(stdin ? { stdin } : {}) };
  const code = await command.run(io as Parameters<CliCommand['run']>[0]);
  return { code, out, err };
}
