import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../../drivers/contract/fs-sync.ts';
import { failpoint } from '../ops/failpoints.ts';

export { fsyncDir };

/**
 * Create `dir` and any missing parents, durably: a new folder's name lives in its parent
 * directory, which is fsynced for each folder created, so a power cut cannot take away a folder
 * (and every file published into it) whose creation returned. An existing folder costs nothing.
 */
export async function mkdirDurable(dir: string, mode = 0o750): Promise<void> {
  const first = await fsp.mkdir(dir, { recursive: true, mode });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fsyncDir(path.dirname(d));
    if (d === first || d === path.dirname(d)) break;
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
  await mkdirDurable(path.dirname(target));
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
