import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseMountInfo } from '../../drivers/mass-storage/mountinfo.ts';

/** Where the kernel describes devices; overridable for tests. */
export interface AdmissionPaths {
  readonly sysBlockDir: string;
  readonly devDir: string;
  readonly mountinfoPath: string;
}

/** Production paths. */
export const DEFAULT_ADMISSION_PATHS: AdmissionPaths = {
  sysBlockDir: '/sys/class/block',
  devDir: '/dev',
  mountinfoPath: '/proc/self/mountinfo',
};

/** How admission looks at the device node (a test fakes what is a block device). */
export interface AdmissionDeps {
  readonly paths: AdmissionPaths;
  /** The helper's own mount folder: mounts there are its own, not someone else's. */
  readonly mountDir: string;
  readonly isBlockDevice?: (devNode: string) => Promise<boolean>;
}

async function nodeIsBlockDevice(devNode: string): Promise<boolean> {
  return (await stat(devNode)).isBlockDevice();
}

function under(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Why the helper will not mount `devNode`, or null when it is a recorder-like disk it may mount:
 * a block device node directly under /dev, attached over USB (its sysfs path runs through a USB
 * host controller), and not mounted anywhere outside the helper's own folder. The helper never
 * touches internal disks or a USB disk someone else is using.
 */
export async function diskRefusal(devNode: string, deps: AdmissionDeps): Promise<string | null> {
  const { paths } = deps;
  let real: string;
  try {
    real = await realpath(devNode);
  } catch {
    return `${devNode} does not exist (unplugged?)`;
  }
  if (path.dirname(real) !== paths.devDir) return `${real} is not a device node under ${paths.devDir}`;
  if (!(await (deps.isBlockDevice ?? nodeIsBlockDevice)(real).catch(() => false)))
    return `${real} is not a block device`;
  const name = path.basename(real);
  const sys = await realpath(path.join(paths.sysBlockDir, name)).catch(() => null);
  if (sys === null) return `${name} is not listed in ${paths.sysBlockDir}`;
  if (!/\/usb[0-9]+\//.test(sys)) return `${name} is not attached over USB`;
  const mounts = parseMountInfo(await readFile(paths.mountinfoPath, 'utf8'));
  const elsewhere = mounts.find((m) => m.source === real && !under(m.mountPoint, deps.mountDir));
  if (elsewhere) return `${real} is already mounted at ${elsewhere.mountPoint}`;
  return null;
}
