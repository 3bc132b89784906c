import { loadGaLibrary } from '../../drivers/ga-sdk/ga-library.ts';
import { PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';
import { formatProblem, isConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/config-loader.ts';
import { errnoCode } from '../errors.ts';
import type { Lang } from '../i18n/lang.ts';
import { said } from '../i18n/said.ts';
import { silentLogger } from '../ops/logger.ts';
import { type DoctorCheck, fail, pass, warn } from './doctor-check.ts';

/** The configuration file is valid (the same validation as `dockctl config check`). */
export const configCheck: DoctorCheck = {
  name: 'config',
  async run(ctx) {
    try {
      const loaded = await loadConfig(ctx.configFile);
      if (loaded.notes.length > 0)
        return warn(said('doctor.config.oldLayout', { file: ctx.configFile }), loaded.notes.join('; '));
      return pass(said('doctor.config.valid', { file: ctx.configFile, version: loaded.config.version }));
    } catch (err) {
      if (!isConfigError(err)) throw err;
      const more = err.problems.length - 3;
      const problems = (lang: Lang) =>
        err.problems
          .slice(0, 3)
          .map((p) => formatProblem(p, lang))
          .join(' | ');
      return fail(
        said(
          'doctor.config.invalid',
          { file: ctx.configFile },
          {
            problems,
            more: more > 0 ? said('doctor.config.more', { n: more }) : '',
          },
        ),
        said('doctor.config.invalidFix', { file: ctx.configFile }),
      );
    }
  },
};

/** The vendor SDK library loads and has the 8 GA functions, where one is configured. */
export const vendorSdkCheck: DoctorCheck = {
  name: 'vendor sdk',
  async run(ctx) {
    const sdk = ctx.config.drivers.gaSdk;
    if (!sdk) return pass(said('doctor.sdk.none'));
    try {
      loadGaLibrary(sdk.libraryPath).close();
      return pass(said('doctor.sdk.ok', { path: sdk.libraryPath }));
    } catch (err) {
      return fail((err as Error).message, said('doctor.sdk.fix'));
    }
  },
};

/** The privileged mount helper answers on its socket (where the config uses it). */
export const mountHelperCheck: DoctorCheck = {
  name: 'mount helper',
  async run(ctx) {
    const ms = ctx.config.drivers.massStorage;
    if (ms.mounter === 'direct') return pass(said('doctor.mount.direct'));
    try {
      const version = await new PrivilegedVolumeMounter({
        socketPath: ms.helperSocket,
        log: silentLogger(),
      }).ping();
      return pass(said('doctor.mount.ok', { socket: ms.helperSocket, version }));
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      const why = errnoCode(cause) ?? (err as Error).message;
      return fail(said('doctor.mount.down', { socket: ms.helperSocket, why }), said('doctor.mount.fix'));
    }
  },
};
