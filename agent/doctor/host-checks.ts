import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
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
    if (await exists(ctx.host.sysBusUsb)) return pass(`USB bus present (${ctx.host.sysBusUsb})`);
    return fail(
      `this machine has no USB bus (${ctx.host.sysBusUsb} is missing), so no recorder can dock`,
      'enable USB in the firmware settings, or run the dock on a machine with USB ports',
    );
  },
};

/** systemd-udevd runs (its control socket exists): without it no recorder is seen. */
export const udevCheck: DoctorCheck = {
  name: 'udev',
  async run(ctx) {
    if (await exists(ctx.host.udevControl)) return pass('udev is running');
    return fail(
      'udev is not running, so plugged recorders are not seen',
      "run 'apt install udev' and 'systemctl start systemd-udevd'",
    );
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
        `udev rules for the built-in recorders are not installed (${BUILTIN_RULES_FILE} missing or old)`,
        "reinstall the package, or 'dockctl udev-rules > /etc/udev/rules.d/70-recorder-dock.rules', then 'udevadm control --reload'",
      );
    if (missingSite.length > 0)
      return fail(
        `no udev rules for the site models ${missingSite.join(', ')}`,
        `'dockctl udev-rules --site > /etc/udev/rules.d/${SITE_RULES_FILE}', then 'udevadm control --reload && udevadm trigger'`,
      );
    return pass(`recorder rules installed (${files.map((f) => path.basename(f)).join(', ')})`);
  },
};

/** The kernel clock is NTP-synchronised: seal times and late flags (R1) depend on it. */
export const timeSyncCheck: DoctorCheck = {
  name: 'time sync',
  async run(ctx) {
    const synced = await ctx.host.clockSynchronised();
    if (synced === true) return pass('the system clock is synchronised (NTP)');
    const fix =
      "enable NTP: 'apt install systemd-timesyncd' (or chrony), point it at the county's time server, 'timedatectl set-ntp true'";
    if (synced === null) return warn('could not tell whether the system clock is synchronised', fix);
    return fail('the system clock is not synchronised; seal times and late flags (R1) would be wrong', fix);
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
    if (have === want) return pass(`the system time zone is ${want}`);
    return fail(
      `the system time zone is ${have ?? 'unknown'}, but rules.timezone is ${want}`,
      `'timedatectl set-timezone ${want}' (or change rules.timezone)`,
    );
  },
};
