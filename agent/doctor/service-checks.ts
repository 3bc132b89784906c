import { loadGaLibrary } from '../../drivers/ga-sdk/ga-library.ts';
import { PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';
import { formatProblem, isConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/config-loader.ts';
import { errnoCode } from '../errors.ts';
import { silentLogger } from '../ops/logger.ts';
import { type DoctorCheck, fail, pass, warn } from './doctor-check.ts';

/** The configuration file is valid (the same validation as `dockctl config check`). */
export const configCheck: DoctorCheck = {
  name: 'config',
  async run(ctx) {
    try {
      const loaded = await loadConfig(ctx.configFile);
      if (loaded.notes.length > 0)
        return warn(`${ctx.configFile} is valid but in an old layout`, loaded.notes.join('; '));
      return pass(`${ctx.configFile} is valid (version ${loaded.config.version})`);
    } catch (err) {
      if (!isConfigError(err)) throw err;
      const first = err.problems.map((p) => formatProblem(p));
      return fail(
        `${ctx.configFile} is invalid: ${first.slice(0, 3).join(' | ')}${first.length > 3 ? ` (+${first.length - 3} more)` : ''}`,
        `'dockctl config check ${ctx.configFile}' lists every problem; the checks below use the defaults`,
      );
    }
  },
};

/** The vendor SDK library loads and has the 8 GA functions, where one is configured. */
export const vendorSdkCheck: DoctorCheck = {
  name: 'vendor sdk',
  async run(ctx) {
    const sdk = ctx.config.drivers.gaSdk;
    if (!sdk) return pass('no vendor SDK configured (drivers.gaSdk); GA recorders are not served');
    try {
      loadGaLibrary(sdk.libraryPath).close();
      return pass(`vendor SDK ${sdk.libraryPath} loads and has the 8 GA functions`);
    } catch (err) {
      return fail(
        (err as Error).message,
        "install the vendor's Linux library for this machine, or fix drivers.gaSdk.libraryPath",
      );
    }
  },
};

/** The privileged mount helper answers on its socket (where the config uses it). */
export const mountHelperCheck: DoctorCheck = {
  name: 'mount helper',
  async run(ctx) {
    const ms = ctx.config.drivers.massStorage;
    if (ms.mounter === 'direct')
      return pass('recorder volumes are mounted by the agent itself (mounter: direct)');
    try {
      const version = await new PrivilegedVolumeMounter({
        socketPath: ms.helperSocket,
        log: silentLogger(),
      }).ping();
      return pass(`the mount helper answers on ${ms.helperSocket} (version ${version})`);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      const why = errnoCode(cause) ?? (err as Error).message;
      return fail(
        `the mount helper does not answer on ${ms.helperSocket} (${why})`,
        "'systemctl enable --now recorder-dock-mountd.socket'",
      );
    }
  },
};
