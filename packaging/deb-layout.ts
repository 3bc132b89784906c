import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the program and its data go (FHS: architecture-dependent, not on PATH). */
export const APP_DIR = 'usr/lib/recorder-dock';
/** The single executable's file name in APP_DIR. */
export const PROGRAM = 'recorder-dock';

/** Program names that are links to the one executable (sea-entry.ts dispatches on them). */
export const PROGRAM_LINKS: Readonly<Record<string, string>> = {
  'usr/bin/dockd': `../lib/recorder-dock/${PROGRAM}`,
  'usr/bin/dockctl': `../lib/recorder-dock/${PROGRAM}`,
  [`${APP_DIR}/recorder-dock-mountd`]: PROGRAM,
};

/** Repo files copied into the package tree: [source in repo, target in tree, mode]. */
export const PACKAGE_FILES: readonly (readonly [string, string, number])[] = [
  ['systemd/recorder-dock.service', 'usr/lib/systemd/system/recorder-dock.service', 0o644],
  ['systemd/recorder-dock-mountd.service', 'usr/lib/systemd/system/recorder-dock-mountd.service', 0o644],
  ['systemd/recorder-dock-mountd.socket', 'usr/lib/systemd/system/recorder-dock-mountd.socket', 0o644],
  ['systemd/70-recorder-dock.rules', 'usr/lib/udev/rules.d/70-recorder-dock.rules', 0o644],
  ['systemd/recorder-dock.sysusers', 'usr/lib/sysusers.d/recorder-dock.conf', 0o644],
  ['systemd/recorder-dock.tmpfiles', 'usr/lib/tmpfiles.d/recorder-dock.conf', 0o644],
  ['systemd/recorder-dock.modules-load', 'usr/lib/modules-load.d/recorder-dock.conf', 0o644],
  ['config/default.yaml', 'usr/share/recorder-dock/config.yaml', 0o644],
  ['config/example.yaml', 'usr/share/doc/recorder-dock/example.yaml', 0o644],
  ['README.md', 'usr/share/doc/recorder-dock/README.md', 0o644],
  ['drivers/fingerprints.json', `${APP_DIR}/drivers/fingerprints.json`, 0o644],
];

/** Folders of data the agent reads at run time through `import.meta.url`, in the repo layout. */
export const APP_DATA_DIRS: readonly string[] = ['schemas', 'config', 'agent/web/assets'];

/** Add the repo files, data folders and program links to the tree at `root`. */
export async function layoutTree(repoRoot: string, root: string, version: string): Promise<void> {
  for (const [src, dst, mode] of PACKAGE_FILES) {
    const target = path.join(root, dst);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(repoRoot, src), target);
    await chmod(target, mode);
  }
  for (const dir of APP_DATA_DIRS)
    await cp(path.join(repoRoot, dir), path.join(root, APP_DIR, dir), { recursive: true });
  // The app folder's package.json: the version dockd --version reports, and CommonJS for the
  // worker script (the repo's own says "module").
  await writeFile(
    path.join(root, APP_DIR, 'package.json'),
    `${JSON.stringify({ name: 'recorder-dock', version, private: true, type: 'commonjs' }, null, 2)}\n`,
  );
  for (const [link, target] of Object.entries(PROGRAM_LINKS)) {
    await mkdir(path.dirname(path.join(root, link)), { recursive: true });
    await symlink(target, path.join(root, link));
  }
  await writeFile(
    path.join(root, 'usr/share/doc/recorder-dock/copyright'),
    'recorder-dock: UNLICENSED, all rights reserved by its authors.\nBundled Node.js and npm packages keep their own licences (MIT, Apache-2.0, ISC); see usr/lib/recorder-dock/node_modules/*/LICENSE.\n',
  );
}

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else out.push(path.relative(base, full));
  }
  return out;
}

/** DEBIAN/md5sums for every regular file of the tree (not DEBIAN itself, not links). */
export async function md5sums(root: string): Promise<string> {
  const lines: string[] = [];
  for (const rel of (await walk(root)).sort()) {
    if (rel.startsWith('DEBIAN/')) continue;
    const st = await lstat(path.join(root, rel)).catch(() => null);
    if (!st?.isFile()) continue;
    const sum = createHash('md5')
      .update(await readFile(path.join(root, rel)))
      .digest('hex');
    lines.push(`${sum}  ${rel}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Size of the tree in KiB, for the control file's Installed-Size. */
export async function installedSizeKiB(root: string): Promise<number> {
  let bytes = 0;
  for (const rel of await walk(root)) {
    const st = await lstat(path.join(root, rel)).catch(() => null);
    if (st?.isFile()) bytes += st.size;
  }
  return Math.ceil(bytes / 1024);
}
