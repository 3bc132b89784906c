import { errnoCode } from '../contract/errors.ts';
import type { SpawnFn } from '../contract/ports.ts';
import { ToolMissingError } from '../errors.ts';

/** What a finished command left behind. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Output kept per stream; tools that talk more than this are cut (the tail is dropped). */
const MAX_OUTPUT = 64 * 1024;

/**
 * Run `command args` through the injected spawner and collect its output. Rejects with
 * ToolMissingError when the program does not exist; a non-zero exit is a normal result.
 * The argv is passed as-is (no shell), so device paths cannot inject anything.
 */
export function runCommand(
  spawn: SpawnFn,
  command: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(errnoCode(err) === 'ENOENT' ? new ToolMissingError(command) : err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The argv as one line for logs and error messages. */
export function formatArgv(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
