import type { FootageKind } from '../contract/ports.ts';

/**
 * Default footage extensions (case-insensitive). Sites add their vendors' own through config
 * (`massStorage.extensions`), e.g. `{ "dav": "video" }`.
 */
export const DEFAULT_FOOTAGE_EXTENSIONS: Readonly<Record<string, FootageKind>> = {
  mp4: 'video',
  mov: 'video',
  avi: 'video',
  ts: 'video',
  jpg: 'photo',
  jpeg: 'photo',
  wav: 'audio',
  amr: 'audio',
};

/** Folders recorders' hosts leave behind; never walked. Compared case-insensitively at the root. */
export const DEFAULT_SYSTEM_FOLDERS: readonly string[] = [
  'System Volume Information',
  '$RECYCLE.BIN',
  'RECYCLER',
  '.Trashes',
  '.Spotlight-V100',
  '.fseventsd',
  'LOST.DIR',
  'lost+found',
];

/** Extension → kind lookup, with site additions and overrides merged over the defaults. */
export class FootageTypes {
  private readonly map: ReadonlyMap<string, FootageKind>;

  constructor(extra: Readonly<Record<string, FootageKind>> = {}, replaceDefaults = false) {
    const merged = replaceDefaults ? { ...extra } : { ...DEFAULT_FOOTAGE_EXTENSIONS, ...extra };
    this.map = new Map(
      Object.entries(merged).map(([ext, kind]) => [ext.replace(/^\./, '').toLowerCase(), kind]),
    );
  }

  /** The kind for a file name, or null when it is not footage. */
  kindOf(name: string): FootageKind | null {
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || dot === name.length - 1) return null;
    return this.map.get(name.slice(dot + 1).toLowerCase()) ?? null;
  }
}
