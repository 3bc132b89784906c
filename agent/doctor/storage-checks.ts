import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { errnoCode } from '../errors.ts';
import type { ServiceAccount } from '../mountd/service-account.ts';
import { type DoctorCheck, type DoctorContext, type DoctorResult, fail, pass, warn } from './doctor-check.ts';

const GIB = 1024 ** 3;

/** Free-space floors: below `fail` the dock stops accepting footage, below `warn` soon will. */
export interface SpaceFloors {
  readonly failBytes: number;
  readonly warnBytes: number;
}

/** The state folder holds the ledger: small, but it must never fill. */
export const STATE_FLOORS: SpaceFloors = { failBytes: 1 * GIB, warnBytes: 4 * GIB };
/** The vault holds footage: a full recorder card is tens of GiB. */
export const VAULT_FLOORS: SpaceFloors = { failBytes: 8 * GIB, warnBytes: 64 * GIB };

const gib = (n: number) => `${(n / GIB).toFixed(1)} GiB`;

/** Whether `account` may create files in a folder with this owner and mode (ACLs aside). */
export function modeAllowsWrite(
  st: { uid: number; gid: number; mode: number },
  account: ServiceAccount,
): boolean {
  if (st.uid === account.uid) return (st.mode & 0o300) === 0o300;
  if (st.gid === account.gid) return (st.mode & 0o030) === 0o030;
  return (st.mode & 0o003) === 0o003;
}

async function writableBy(dir: string, ctx: DoctorContext): Promise<string | null> {
  if (ctx.host.uid !== 0) {
    return access(dir, constants.W_OK | constants.X_OK).then(
      () => null,
      () => `${dir} is not writable by this user`,
    );
  }
  // Run as root: judge for the service's user, which is who writes there.
  const account = await ctx.host.serviceAccount();
  if (!account) return 'the user recorder-dock does not exist';
  return modeAllowsWrite(await stat(dir), account) ? null : `${dir} is not writable by user ${account.name}`;
}

async function folderCheck(
  dir: string,
  what: string,
  floors: SpaceFloors,
  ctx: DoctorContext,
): Promise<DoctorResult> {
  try {
    if (!(await stat(dir)).isDirectory())
      return fail(`${what} ${dir} is not a folder`, `move it aside; the service creates ${dir}`);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    return fail(
      `${what} ${dir} does not exist`,
      "run 'systemd-tmpfiles --create' and 'systemctl start recorder-dock'",
    );
  }
  const denied = await writableBy(dir, ctx);
  const fix = `give it to the service: 'chown recorder-dock:recorder-dock ${dir}'; outside /var/lib/recorder-dock also add ReadWritePaths=${dir} with 'systemctl edit recorder-dock'`;
  if (denied) return fail(denied, fix);
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < floors.failBytes)
    return fail(`${what} ${dir} has only ${gib(free)} free`, 'free space there or move it to a bigger disk');
  if (free < floors.warnBytes)
    return warn(`${what} ${dir} has ${gib(free)} free`, 'plan more space before the disk fills');
  return pass(`${what} ${dir} is writable, ${gib(free)} free`);
}

/** The state folder exists, the service may write it, and it has room. */
export const stateDirCheck: DoctorCheck = {
  name: 'state folder',
  run: (ctx) => folderCheck(ctx.config.paths.stateDir, 'state folder', STATE_FLOORS, ctx),
};

/** The vault exists, the service may write it, it has room, and staging shares its file system. */
export const vaultDirCheck: DoctorCheck = {
  name: 'vault',
  async run(ctx) {
    const { vaultDir, stagingDir } = ctx.config.paths;
    const result = await folderCheck(vaultDir, 'vault', VAULT_FLOORS, ctx);
    if (result.status === 'fail') return result;
    const staging = await stat(stagingDir).catch(() => null);
    if (staging && staging.dev !== (await stat(vaultDir)).dev)
      return fail(
        `staging ${stagingDir} is on another file system than the vault`,
        'set paths.stagingDir inside the vault disk (publishing is a hard link)',
      );
    return result;
  },
};
