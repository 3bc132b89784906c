import { constants, promises as fsp } from 'node:fs';

/**
 * Fsync a directory so that a rename, link or unlink inside it survives a power cut. Used by the
 * vault, the ledger's files and the mass-storage driver's wipe alike.
 * Some file systems refuse fsync on a directory (EINVAL/EISDIR); those give no stronger guarantee
 * anyway, so that refusal alone is tolerated.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR') throw err;
  } finally {
    await handle.close();
  }
}
