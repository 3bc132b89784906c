import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { errnoCode } from '../errors.ts';
import { type Said, said } from '../i18n/said.ts';
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

async function writableBy(dir: string, ctx: DoctorContext): Promise<Said | null> {
  if (ctx.host.uid !== 0) {
    return access(dir, constants.W_OK | constants.X_OK).then(
      () => null,
      () => said('doctor.folder.notWritableHere', { dir }),
    );
  }
  // Run as root: judge for the service's user, which is who writes there.
  const account = await ctx.host.serviceAccount();
  if (!account) return said('doctor.noServiceUser');
  return modeAllowsWrite(await stat(dir), account)
    ? null
    : said('doctor.folder.notWritableBy', { dir, user: account.name });
}

async function folderCheck(
  dir: string,
  what: Said,
  floors: SpaceFloors,
  ctx: DoctorContext,
): Promise<DoctorResult> {
  const named = (key: Parameters<typeof said>[0], params: Record<string, string> = {}) =>
    said(key, { dir, ...params }, { what });
  try {
    if (!(await stat(dir)).isDirectory())
      return fail(named('doctor.folder.notFolder'), named('doctor.folder.moveAside'));
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    return fail(named('doctor.folder.missing'), said('doctor.folder.create'));
  }
  const denied = await writableBy(dir, ctx);
  if (denied) return fail(denied, named('doctor.folder.chown'));
  const fs = await statfs(dir);
  const free = gib(fs.bavail * fs.bsize);
  if (fs.bavail * fs.bsize < floors.failBytes)
    return fail(named('doctor.folder.full', { free }), said('doctor.folder.fullFix'));
  if (fs.bavail * fs.bsize < floors.warnBytes)
    return warn(named('doctor.folder.low', { free }), said('doctor.folder.lowFix'));
  return pass(named('doctor.folder.ok', { free }));
}

/** The state folder exists, the service may write it, and it has room. */
export const stateDirCheck: DoctorCheck = {
  name: 'state folder',
  run: (ctx) => folderCheck(ctx.config.paths.stateDir, said('doctor.what.stateDir'), STATE_FLOORS, ctx),
};

/** The vault exists, the service may write it, it has room, and staging shares its file system. */
export const vaultDirCheck: DoctorCheck = {
  name: 'vault',
  async run(ctx) {
    const { vaultDir, stagingDir } = ctx.config.paths;
    const result = await folderCheck(vaultDir, said('doctor.what.vault'), VAULT_FLOORS, ctx);
    if (result.status === 'fail') return result;
    const staging = await stat(stagingDir).catch(() => null);
    if (staging && staging.dev !== (await stat(vaultDir)).dev)
      return fail(
        said('doctor.vault.stagingElsewhere', { dir: stagingDir }),
        said('doctor.vault.stagingFix'),
      );
    return result;
  },
};
