import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SpawnFn } from '../contract/ports.ts';
import { MountError } from '../errors.ts';
import { formatArgv, runCommand } from '../process/run-command.ts';

/** Where the kernel describes block devices, and where their nodes live. Overridable for tests. */
export interface BlockPaths {
  readonly sysBlockDir: string;
  readonly devDir: string;
}

/** Production paths. */
export const DEFAULT_BLOCK_PATHS: BlockPaths = { sysBlockDir: '/sys/class/block', devDir: '/dev' };

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * The whole disk and every partition of the disk that holds `devName` (`sdb1` → sdb, sdb1,
 * sdb2…). Partitions do not inherit the disk's read-only flag, so each is marked on its own.
 */
export async function blockFamily(devName: string, paths: BlockPaths): Promise<string[]> {
  const own = await realpath(path.join(paths.sysBlockDir, devName));
  const diskDir = (await exists(path.join(own, 'partition'))) ? path.dirname(own) : own;
  const disk = path.basename(diskDir);
  const parts: string[] = [];
  for (const entry of await readdir(diskDir)) {
    if (entry.startsWith(disk) && (await exists(path.join(diskDir, entry, 'partition')))) parts.push(entry);
  }
  return [disk, ...parts.sort()];
}

async function readRo(devName: string, paths: BlockPaths): Promise<string> {
  return (await readFile(path.join(paths.sysBlockDir, devName, 'ro'), 'utf8')).trim();
}

/**
 * Set or clear the kernel's read-only flag (`blockdev --setro|--setrw`) on each device, then
 * check sysfs reports it. Throws MountError naming the device when either step fails.
 */
export async function setBlockReadOnly(
  spawn: SpawnFn,
  devNames: readonly string[],
  readOnly: boolean,
  paths: BlockPaths,
): Promise<void> {
  const flag = readOnly ? '--setro' : '--setrw';
  for (const name of devNames) {
    const args = [flag, path.join(paths.devDir, name)];
    const res = await runCommand(spawn, 'blockdev', args, { timeoutMs: 10_000 });
    if (res.code !== 0)
      throw new MountError(formatArgv('blockdev', args), res.stderr.trim() || `exit ${res.code}`);
    const ro = await readRo(name, paths);
    if (ro !== (readOnly ? '1' : '0')) {
      throw new MountError(formatArgv('blockdev', args), `the kernel still reports ro=${ro} for ${name}`);
    }
  }
}
