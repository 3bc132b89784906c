import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where the simulator keeps what it builds (compiled library, encoded clips), shared by runs. */
export function simCacheDir(): string {
  return path.join(os.tmpdir(), 'recorder-dock-sim-cache');
}

/** A short stable hash of the parameters a cached artefact was made from. */
export function cacheKey(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);
}

/**
 * Return `final` if it exists; otherwise run `make(tmpPath)` and rename the result into place, so
 * that parallel test processes never see a half-written file.
 */
export async function cached(final: string, make: (tmpPath: string) => Promise<void>): Promise<string> {
  if (
    await stat(final).then(
      () => true,
      () => false,
    )
  )
    return final;
  await mkdir(path.dirname(final), { recursive: true });
  const ext = path.extname(final);
  const tmp = path.join(
    path.dirname(final),
    `.${path.basename(final, ext)}.${randomBytes(4).toString('hex')}.tmp${ext}`,
  );
  try {
    await make(tmp);
    await rename(tmp, final);
  } finally {
    await rm(tmp, { force: true });
  }
  return final;
}
