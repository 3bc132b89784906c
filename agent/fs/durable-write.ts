import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { failpoint } from '../ops/failpoints.ts';

/**
 * Fsync a directory so that a rename or link inside it survives a power cut.
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

/**
 * Replace `file` atomically and durably: write a temp file in the same directory, fsync it,
 * rename it over `file`, fsync the directory. Readers see the old or the new content, never a mix,
 * and after a power cut the file holds one of the two.
 */
export async function writeFileDurable(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'wx', options.mode ?? 0o640);
  try {
    await handle.writeFile(data);
    await handle.sync();
    failpoint('fs.durable.tmp-synced', file);
  } catch (err) {
    await handle.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  failpoint('fs.durable.renamed', file);
  await fsyncDir(dir);
}

/**
 * Publish `staged` under `target` without ever replacing an existing file: hard-link (which fails
 * with EEXIST when `target` exists), fsync the target directory, then drop the staged name.
 * Returns false, leaving `staged` in place, when `target` already exists.
 */
export async function publishNoReplace(staged: string, target: string): Promise<boolean> {
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
  try {
    await fsp.link(staged, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  failpoint('fs.publish.linked', target);
  await fsyncDir(path.dirname(target));
  await fsp.unlink(staged);
  failpoint('fs.publish.unlinked', target);
  await fsyncDir(path.dirname(staged));
  return true;
}
