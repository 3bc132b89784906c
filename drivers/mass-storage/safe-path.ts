import path from 'node:path';
import { errnoCode } from '../contract/errors.ts';
import { UnsafeEntryError } from '../errors.ts';
import { DEFAULT_NAME_LIMITS, type NameLimits, splitRelativePath } from './safe-names.ts';
import { type EntryStat, nodeWalkFs, type WalkFs } from './walk-fs.ts';

/**
 * Resolve a relative path on a recorder volume to an absolute path inside `root`, checking
 * every component with lstat: each parent must be a real directory and the last a regular file,
 * never a link. Throws UnsafeEntryError otherwise; the file is not opened.
 */
export async function resolveInside(
  root: string,
  relPath: string,
  options: { readonly fs?: WalkFs | undefined; readonly limits?: Partial<NameLimits> | undefined } = {},
): Promise<{ readonly abs: string; readonly stat: EntryStat }> {
  const fs = options.fs ?? nodeWalkFs;
  const split = splitRelativePath(relPath, { ...DEFAULT_NAME_LIMITS, ...options.limits });
  if (!split.ok) throw new UnsafeEntryError(relPath, split.reason);
  let abs = path.resolve(root);
  for (let i = 0; i < split.parts.length; i++) {
    abs = path.join(abs, split.parts[i] ?? '');
    let st: EntryStat;
    try {
      st = await fs.lstat(abs);
    } catch (err) {
      throw new UnsafeEntryError(relPath, `not found on the volume (${errnoCode(err) ?? 'error'})`);
    }
    const last = i === split.parts.length - 1;
    if (last && st.type === 'file') return { abs, stat: st };
    if (!last && st.type === 'dir') continue;
    throw new UnsafeEntryError(
      relPath,
      `${last ? 'the entry' : 'a parent'} is a ${st.type}, not a ${last ? 'regular file' : 'directory'}`,
    );
  }
  throw new UnsafeEntryError(relPath, 'empty path');
}
