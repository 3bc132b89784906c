import type { Dirent } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';

/** An entry's type as the directory (or lstat) reports it. Links are never followed. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device' | 'unknown';

/** One raw directory entry: the name as bytes, exactly as the file system returned it. */
export interface RawDirEntry {
  readonly name: Uint8Array;
  readonly type: EntryType;
}

/** lstat's answer. */
export interface EntryStat {
  readonly type: EntryType;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The file-system port of the safe walk (real: node:fs; fake: an in-memory tree in tests, so
 * names a real file system cannot hold — `a/b`, `..` — can be fed to the walk).
 */
export interface WalkFs {
  /** At most `max` entries of the directory, names as raw bytes. */
  readdir(absPath: string, max: number): Promise<RawDirEntry[]>;
  /** lstat: never follows a link. */
  lstat(absPath: string): Promise<EntryStat>;
}

function direntType(d: Dirent): EntryType {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isFIFO()) return 'fifo';
  if (d.isSocket()) return 'socket';
  if (d.isBlockDevice() || d.isCharacterDevice()) return 'device';
  return 'unknown';
}

/** The real WalkFs over node:fs. */
export const nodeWalkFs: WalkFs = {
  async readdir(absPath, max) {
    const out: RawDirEntry[] = [];
    const dir = await opendir(absPath, { encoding: 'buffer' as BufferEncoding, bufferSize: 64 });
    try {
      for (let d = await dir.read(); d !== null && out.length < max; d = await dir.read()) {
        // With encoding 'buffer' the name is a Buffer at run time; @types/node types it as string.
        out.push({ name: d.name as unknown as Buffer, type: direntType(d) });
      }
    } finally {
      await dir.close();
    }
    return out;
  },
  async lstat(absPath) {
    const st = await lstat(absPath);
    let type: EntryType = 'unknown';
    if (st.isSymbolicLink()) type = 'symlink';
    else if (st.isFile()) type = 'file';
    else if (st.isDirectory()) type = 'dir';
    else if (st.isFIFO()) type = 'fifo';
    else if (st.isSocket()) type = 'socket';
    else if (st.isBlockDevice() || st.isCharacterDevice()) type = 'device';
    return { type, size: st.size, mtimeMs: st.mtimeMs };
  },
};
