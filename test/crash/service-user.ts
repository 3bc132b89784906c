import { execFileSync } from 'node:child_process';
import { chown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The campaign's stand-in for the shipped service account: a dedicated system user with no
 * login, no home and no groups. dockd and dockctl run as it, with every capability dropped and
 * no way to regain one (as `User=recorder-dock`, `CapabilityBoundingSet=` and
 * `NoNewPrivileges=yes` in systemd/recorder-dock.service).
 */
export const SERVICE_USER = 'dock-crash';

/** The service user's ids. */
export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function ids(name: string): ServiceUser | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { name, uid, gid };
  } catch {
    return null;
  }
}

/** The service user, created (as root) when it does not exist yet. */
export function ensureServiceUser(name = SERVICE_USER): ServiceUser {
  const found = ids(name);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`the crash campaign needs root to create its service user ${name}: run it as root`);
  }
  execFileSync('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    name,
  ]);
  const made = ids(name);
  if (!made) throw new Error(`useradd did not create the user ${name}`);
  return made;
}

/** The argv prefix that runs a program as the service user with no capabilities at all. */
export function asServiceUser(user: ServiceUser): string[] {
  return [
    'setpriv',
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--ambient-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];
}

/** Hand a tree to the service user (the campaign plants files as root). */
export async function chownTree(dir: string, user: ServiceUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, user);
    else await chown(p, user.uid, user.gid);
  }
}

/** Every path below `dir` that the service user does not own (what it wrote as someone else). */
export async function notOwnedBy(dir: string, uid: number): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const st = await lstat(p);
      if (st.uid !== uid) out.push(p);
      if (entry.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out;
}
