import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { DEVICE_GONE_ERRNOS, DeviceGoneError, errnoCode } from '../contract/errors.ts';
import { fsyncDir } from '../contract/fs-sync.ts';
import type { FileExpectation } from '../contract/ports.ts';
import { FileChangedError } from '../errors.ts';
import type { NameLimits } from './safe-names.ts';
import { resolveInside } from './safe-path.ts';
import type { EntryStat, WalkFs } from './walk-fs.ts';

/** How a recorder file is looked up before it is deleted. */
export interface FileLookup {
  readonly fs?: WalkFs | undefined;
  readonly limits?: Partial<NameLimits> | undefined;
}

function describeChange(expect: FileExpectation, now: EntryStat): string {
  const parts: string[] = [];
  if (now.size !== expect.size) parts.push(`size ${expect.size} bytes at the seal, ${now.size} now`);
  if (Math.trunc(now.mtimeMs) !== Math.trunc(expect.mtimeMs)) {
    const at = (ms: number) => new Date(Math.trunc(ms)).toISOString();
    parts.push(`modified ${at(expect.mtimeMs)} at the seal, ${at(now.mtimeMs)} now`);
  }
  return parts.join('; ');
}

/**
 * The recorder file `relPath` inside `root`, resolved safely (no links, each parent a real
 * directory, the last a regular file) and still the file the seal saw: same size, same
 * modification time (whole milliseconds). Throws UnsafeEntryError or FileChangedError, both
 * naming the file; nothing is opened.
 */
export async function resolveUnchanged(
  root: string,
  relPath: string,
  expect: FileExpectation,
  lookup: FileLookup = {},
): Promise<{ readonly abs: string; readonly stat: EntryStat }> {
  const found = await resolveInside(root, relPath, lookup);
  const change = describeChange(expect, found.stat);
  if (change !== '') throw new FileChangedError(relPath, change);
  return found;
}

/**
 * Unlink one file and fsync its folder, so the delete survives a power cut. An errno that says
 * the disk is gone becomes DeviceGoneError naming `device`; other errors pass through.
 */
export async function unlinkDurably(abs: string, device: string): Promise<void> {
  try {
    await unlink(abs);
    await fsyncDir(path.dirname(abs));
  } catch (err) {
    const code = errnoCode(err);
    if (code !== undefined && DEVICE_GONE_ERRNOS.has(code))
      throw new DeviceGoneError(device, `${code} while deleting a file`, { cause: err });
    throw err;
  }
}
