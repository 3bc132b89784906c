import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { said } from '../i18n/said.ts';
import { BUILTIN_RULES_FILE, builtinEntries, modelsInRules, SITE_RULES_FILE } from '../ops/udev-rules.ts';
import { type DoctorCheck, fail, pass, warn } from './doctor-check.ts';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The machine has a USB bus at all. */
export const usbBusCheck: DoctorCheck = {
  name: 'usb bus',
  async run(ctx) {
    const dir = ctx.host.sysBusUsb;
    if (await exists(dir)) return pass(said('doctor.usb.ok', { dir }));
    return fail(said('doctor.usb.none', { dir }), said('doctor.usb.fix'));
  },
};

/** systemd-udevd runs (its control socket exists): without it no recorder is seen. */
export const udevCheck: DoctorCheck = {
  name: 'udev',
  async run(ctx) {
    if (await exists(ctx.host.udevControl)) return pass(said('doctor.udev.ok'));
    return fail(said('doctor.udev.down'), said('doctor.udev.fix'));
  },
};

/**
 * The recorder rules files in udev's folders and the models they cover. A folder reached twice
 * (on merged /usr, /lib/udev/rules.d is /usr/lib/udev/rules.d) is read once.
 */
async function installedRules(dirs: readonly string[]): Promise<{ files: string[]; models: Set<string> }> {
  const files: string[] = [];
  const models = new Set<string>();
  const seen = new Set<string>();
  for (const dir of dirs) {
    const real = await realpath(dir).catch(() => null);
    if (real === null || seen.has(real)) continue;
    seen.add(real);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.rules'))) {
      const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
      const found = modelsInRules(text);
      if (found.size === 0) continue;
      files.push(path.join(dir, name));
      for (const m of found) models.add(m);
    }
  }
  return { files, models };
}

/** udev rules cover every recorder model: the built-in table's and the config's own. */
export const udevRulesCheck: DoctorCheck = {
  name: 'recorder rules',
  async run(ctx) {
    const { files, models } = await installedRules(ctx.host.udevRulesDirs);
    const builtin = builtinEntries().map((e) => e.id);
    const site = (ctx.config.drivers.fingerprints.models ?? []).map((e) => e.id);
    const missingBuiltin = builtin.filter((id) => !models.has(id));
    const missingSite = site.filter((id) => !models.has(id));
    if (missingBuiltin.length > 0)
      return fail(
        said('doctor.rules.builtin', { file: BUILTIN_RULES_FILE }),
        said('doctor.rules.builtinFix'),
      );
    if (missingSite.length > 0)
      return fail(
        said('doctor.rules.site', { models: missingSite.join(', ') }),
        said('doctor.rules.siteFix', { file: SITE_RULES_FILE }),
      );
    return pass(said('doctor.rules.ok', { files: files.map((f) => path.basename(f)).join(', ') }));
  },
};

/** The kernel clock is NTP-synchronised: seal times and late flags (R1) depend on it. */
export const timeSyncCheck: DoctorCheck = {
  name: 'time sync',
  async run(ctx) {
    const synced = await ctx.host.clockSynchronised();
    if (synced === true) return pass(said('doctor.time.ok'));
    const fix = said('doctor.time.fix');
    if (synced === null) return warn(said('doctor.time.unknown'), fix);
    return fail(said('doctor.time.off'), fix);
  },
};

/** The system time zone name from /etc/localtime (UTC when it is absent). */
export async function systemTimezone(localtime: string): Promise<string | null> {
  const target = await readlink(localtime).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? 'UTC' : null,
  );
  if (target === null) return null;
  const at = target.indexOf('zoneinfo/');
  return at >= 0 ? target.slice(at + 'zoneinfo/'.length) : target;
}

/** The system time zone is the configured one (Asia/Shanghai unless set otherwise). */
export const timezoneCheck: DoctorCheck = {
  name: 'time zone',
  async run(ctx) {
    const want = ctx.config.rules.timezone;
    const have = await systemTimezone(ctx.host.localtime);
    if (have === want) return pass(said('doctor.zone.ok', { want }));
    return fail(
      said('doctor.zone.wrong', { want }, { have: have ?? said('doctor.unknown') }),
      said('doctor.zone.fix', { want }),
    );
  },
};
