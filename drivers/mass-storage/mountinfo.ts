import { readFile } from 'node:fs/promises';

/** One line of /proc/self/mountinfo. */
export interface MountInfoEntry {
  readonly mountPoint: string;
  /** Per-mount options (ro, nosuid, nodev, noexec, nosymfollow …). */
  readonly options: readonly string[];
  readonly fsType: string;
  readonly source: string;
  /** Per-superblock options (the file system's own). */
  readonly superOptions: readonly string[];
}

/** The kernel escapes space, tab, newline and backslash in paths as octal `\ooo`. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Parse mountinfo text (see proc(5)). Malformed lines are skipped. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const mountPoint = left[4];
    const options = left[5];
    if (mountPoint === undefined || options === undefined || right.length < 3) continue;
    out.push({
      mountPoint: unescapeOctal(mountPoint),
      options: options.split(','),
      fsType: right[0] ?? '',
      source: unescapeOctal(right[1] ?? ''),
      superOptions: (right[2] ?? '').split(','),
    });
  }
  return out;
}

/** The last (topmost) mount at `mountPoint`, or undefined. */
export async function findMount(
  mountinfoPath: string,
  mountPoint: string,
): Promise<MountInfoEntry | undefined> {
  const entries = parseMountInfo(await readFile(mountinfoPath, 'utf8'));
  return entries.filter((e) => e.mountPoint === mountPoint).at(-1);
}

/** Every mount at or below `dir`. */
export async function mountsUnder(mountinfoPath: string, dir: string): Promise<MountInfoEntry[]> {
  const entries = parseMountInfo(await readFile(mountinfoPath, 'utf8'));
  return entries.filter((e) => e.mountPoint === dir || e.mountPoint.startsWith(`${dir}/`));
}
