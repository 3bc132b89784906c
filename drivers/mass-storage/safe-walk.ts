import path from 'node:path';
import type { FootageEntry, FootageListing, SkippedEntry, SkipReason } from '../contract/ports.ts';
import { DEFAULT_SYSTEM_FOLDERS, FootageTypes } from './footage-types.ts';
import { checkNameBytes, DEFAULT_NAME_LIMITS, type NameLimits, showName } from './safe-names.ts';
import { type EntryType, nodeWalkFs, type WalkFs } from './walk-fs.ts';

/** Bounds on a walk, so that a hostile volume cannot make it run forever or eat memory. */
export interface WalkLimits extends NameLimits {
  /** Deepest directory level walked below the root (DCIM/100MEDIA/x is depth 2). */
  readonly maxDepth: number;
  /** Most entries (of any kind) looked at in total. */
  readonly maxEntries: number;
}

/** Defaults sized for a recorder card: thousands of clips, a few folder levels. */
export const DEFAULT_WALK_LIMITS: WalkLimits = { ...DEFAULT_NAME_LIMITS, maxDepth: 6, maxEntries: 50_000 };

/** Options of a walk. */
export interface WalkOptions {
  readonly fs?: WalkFs;
  readonly limits?: Partial<WalkLimits>;
  readonly footage?: FootageTypes;
  /**
   * Top-level folders to walk (DCIM-style), compared case-insensitively; null walks the whole
   * volume except system folders.
   */
  readonly folders?: readonly string[] | null;
  readonly systemFolders?: readonly string[];
}

interface WalkState {
  readonly fs: WalkFs;
  readonly limits: WalkLimits;
  readonly footage: FootageTypes;
  readonly topFilter: (name: string) => SkipReason | null;
  readonly files: FootageEntry[];
  readonly skipped: SkippedEntry[];
  seen: number;
  truncated: boolean;
}

const SKIP_FOR_TYPE: Partial<Record<EntryType, SkipReason>> = {
  symlink: 'symlink',
  fifo: 'fifo',
  socket: 'socket',
  device: 'device-node',
  unknown: 'unknown-type',
};

function topFilter(options: WalkOptions): (name: string) => SkipReason | null {
  const system = new Set((options.systemFolders ?? DEFAULT_SYSTEM_FOLDERS).map((f) => f.toLowerCase()));
  const wanted = options.folders ? new Set(options.folders.map((f) => f.toLowerCase())) : null;
  return (name) => {
    const lower = name.toLowerCase();
    if (system.has(lower)) return 'system-folder';
    if (wanted && !wanted.has(lower)) return 'not-footage';
    return null;
  };
}

/**
 * Walk a mounted recorder volume and list its footage, safely: links are never followed,
 * device nodes, FIFOs and sockets are skipped, unsafe names (`/`, `..`, control characters,
 * invalid UTF-8, over-long) are refused, depth and entry count are bounded, and nothing is
 * opened outside `root`. Every entry left out is reported with its reason. Rejects (with the
 * file-system error) only when the root itself cannot be listed.
 */
export async function walkVolume(root: string, options: WalkOptions = {}): Promise<FootageListing> {
  const state: WalkState = {
    fs: options.fs ?? nodeWalkFs,
    limits: { ...DEFAULT_WALK_LIMITS, ...options.limits },
    footage: options.footage ?? new FootageTypes(),
    topFilter: topFilter(options),
    files: [],
    skipped: [],
    seen: 0,
    truncated: false,
  };
  const stack: { abs: string; rel: string; depth: number }[] = [
    { abs: path.resolve(root), rel: '', depth: 0 },
  ];
  while (stack.length > 0 && !state.truncated) {
    const dir = stack.pop();
    if (dir) stack.push(...(await walkDir(state, dir.abs, dir.rel, dir.depth)));
  }
  const byPath = (a: { relPath: string }, b: { relPath: string }) =>
    a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0;
  return { files: state.files.sort(byPath), skipped: state.skipped, truncated: state.truncated };
}

/** List one directory; returns the subdirectories still to walk (in reverse, for the stack). */
async function walkDir(
  state: WalkState,
  abs: string,
  rel: string,
  depth: number,
): Promise<{ abs: string; rel: string; depth: number }[]> {
  const remaining = state.limits.maxEntries - state.seen;
  let entries: Awaited<ReturnType<WalkFs['readdir']>>;
  try {
    entries = await state.fs.readdir(abs, remaining + 1);
  } catch (err) {
    // An unreadable root is not an empty volume: the caller must not conclude there is nothing.
    if (rel === '') throw err;
    state.skipped.push({ relPath: rel || '.', reason: 'unreadable' });
    return [];
  }
  const subdirs: { abs: string; rel: string; depth: number }[] = [];
  for (const entry of entries) {
    state.seen += 1;
    if (state.seen > state.limits.maxEntries) {
      state.truncated = true;
      state.skipped.push({ relPath: rel || '.', reason: 'entry-limit' });
      break;
    }
    const check = checkNameBytes(entry.name, state.limits);
    if (!check.ok) {
      state.skipped.push({ relPath: join(rel, check.shown), reason: check.reason });
      continue;
    }
    const childRel = join(rel, check.name);
    if (Buffer.byteLength(childRel, 'utf8') > state.limits.maxPathBytes) {
      state.skipped.push({ relPath: showName(childRel.slice(0, 80)), reason: 'path-too-long' });
      continue;
    }
    const childAbs = path.join(abs, check.name);
    const type = entry.type === 'unknown' ? await typeOf(state.fs, childAbs) : entry.type;
    if (type === 'dir') {
      const sub = dirDecision(state, check.name, childRel, depth);
      if (sub) subdirs.push({ abs: childAbs, rel: childRel, depth: depth + 1 });
    } else if (type === 'file') {
      await addFile(state, childAbs, childRel, check.name, depth);
    } else {
      state.skipped.push({ relPath: childRel, reason: SKIP_FOR_TYPE[type] ?? 'unknown-type' });
    }
  }
  return subdirs.reverse();
}

function join(rel: string, name: string): string {
  return rel ? `${rel}/${name}` : name;
}

async function typeOf(fs: WalkFs, abs: string): Promise<EntryType> {
  try {
    return (await fs.lstat(abs)).type;
  } catch {
    return 'unknown';
  }
}

function dirDecision(state: WalkState, name: string, rel: string, depth: number): boolean {
  const top = depth === 0 ? state.topFilter(name) : null;
  if (top) {
    state.skipped.push({ relPath: rel, reason: top });
    return false;
  }
  if (depth + 1 > state.limits.maxDepth) {
    state.skipped.push({ relPath: rel, reason: 'too-deep' });
    return false;
  }
  return true;
}

async function addFile(
  state: WalkState,
  abs: string,
  rel: string,
  name: string,
  depth: number,
): Promise<void> {
  const kind = state.footage.kindOf(name);
  if (kind === null || (depth === 0 && state.topFilter(name) === 'not-footage')) {
    state.skipped.push({ relPath: rel, reason: 'not-footage' });
    return;
  }
  try {
    const st = await state.fs.lstat(abs);
    if (st.type !== 'file') {
      state.skipped.push({ relPath: rel, reason: SKIP_FOR_TYPE[st.type] ?? 'unknown-type' });
      return;
    }
    state.files.push({ relPath: rel, size: st.size, mtimeMs: st.mtimeMs, kind });
  } catch {
    state.skipped.push({ relPath: rel, reason: 'unreadable' });
  }
}
