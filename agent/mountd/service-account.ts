import { readFile } from 'node:fs/promises';

/** A local user's numeric ids. */
export interface ServiceAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Look up a user in passwd(5) text (and its group in group(5) is not needed: the primary gid is
 * in passwd). Returns null when the user does not exist.
 */
export function findAccount(passwd: string, name: string): ServiceAccount | null {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      const u = Number(uid);
      const g = Number(gid);
      if (Number.isInteger(u) && Number.isInteger(g)) return { name, uid: u, gid: g };
    }
  }
  return null;
}

/** The account from /etc/passwd (or `passwdFile`); null when absent. */
export async function lookupAccount(
  name: string,
  passwdFile = '/etc/passwd',
): Promise<ServiceAccount | null> {
  return findAccount(await readFile(passwdFile, 'utf8'), name);
}
