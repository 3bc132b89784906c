import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Run a host program; resolves with its stdout, rejects with its stderr in the message. */
export async function host(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  try {
    const { stdout } = await execFileP(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 << 20,
      encoding: 'utf8',
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const detail = (e.stderr ?? '').trim().split('\n').slice(-6).join(' | ') || e.message;
    throw new Error(`${command} ${args.slice(0, 4).join(' ')}… failed: ${detail}`);
  }
}

/** Whether a path exists. */
export const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * A cached folder or file at `final`: made once by `make(tmp)` beside it and renamed into place,
 * so an interrupted build never leaves a half-made cache entry.
 */
export async function cachedPath(final: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (await exists(final)) return final;
  await mkdir(path.dirname(final), { recursive: true });
  const tmp = path.join(
    path.dirname(final),
    `.${path.basename(final)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await make(tmp);
    await rename(tmp, final);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return final;
}
