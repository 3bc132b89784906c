import { constants } from 'node:fs';
import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { UsbIdentity } from '../../drivers/contract/ports.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';
import type { ServiceAccount } from '../mountd/service-account.ts';
import { SITE_RULES_FILE } from '../ops/udev-rules.ts';
import { type DoctorCheck, type DoctorContext, fail, pass } from './doctor-check.ts';

/**
 * Device classes the units' DeviceAllow= lists name, as /proc/devices calls them, and the
 * module that registers each. systemd resolves the names when a unit starts: a class whose
 * module was not loaded yet is left out, and the closed device policy then denies it.
 */
const DEVICE_CLASSES: readonly (readonly [string, string])[] = [
  ['usb_device', 'usbcore'],
  ['ttyACM', 'cdc_acm'],
  ['ttyUSB', 'usbserial'],
  ['sd', 'sd_mod'],
];

/** The kernel knows the device classes of the service's device list (their modules are loaded). */
export const deviceModulesCheck: DoctorCheck = {
  name: 'device modules',
  async run(ctx) {
    const text = await readFile(ctx.host.procDevices, 'utf8');
    const names = new Set(text.split('\n').map((l) => l.trim().split(/\s+/)[1]));
    const missing = DEVICE_CLASSES.filter(([name]) => !names.has(name)).map(([, module]) => module);
    if (missing.length === 0) return pass(said('doctor.modules.ok'));
    return fail(said('doctor.modules.missing', { modules: missing.join(', ') }), said('doctor.modules.fix'));
  },
};

/** A recorder command port plugged in now. */
interface RecorderPort {
  readonly devNode: string;
  readonly model: string;
}

async function usbAttr(dir: string, name: string): Promise<string | null> {
  return readFile(path.join(dir, name), 'utf8').then(
    (t) => t.trim(),
    () => null,
  );
}

/** The USB device a tty belongs to: the nearest parent in sysfs with an idVendor. */
async function usbOfTty(ttyDir: string): Promise<UsbIdentity | null> {
  let dir = await realpath(path.join(ttyDir, 'device')).catch(() => null);
  for (let up = 0; dir !== null && up < 6; up++, dir = path.dirname(dir)) {
    const vendorId = await usbAttr(dir, 'idVendor');
    if (vendorId === null) continue;
    return {
      vendorId: vendorId.toLowerCase(),
      productId: ((await usbAttr(dir, 'idProduct')) ?? '').toLowerCase(),
      manufacturer: await usbAttr(dir, 'manufacturer'),
      product: await usbAttr(dir, 'product'),
      serial: await usbAttr(dir, 'serial'),
    };
  }
  return null;
}

/** USB serial ports plugged in now that the fingerprint table serves with the serial driver. */
async function recorderPorts(ctx: DoctorContext): Promise<RecorderPort[]> {
  const table = FingerprintTable.load({ site: ctx.config.drivers.fingerprints });
  const names = await readdir(ctx.host.sysClassTty).catch(() => [] as string[]);
  const ports: RecorderPort[] = [];
  for (const name of names.filter((n) => /^tty(USB|ACM)\d+$/.test(n)).sort()) {
    const usb = await usbOfTty(path.join(ctx.host.sysClassTty, name));
    const match = usb ? table.match(usb) : null;
    if (match?.driver === 'serial')
      ports.push({ devNode: path.join(ctx.host.devDir, name), model: match.entryId });
  }
  return ports;
}

/** The service user's groups: its primary group and every group that lists it (group(5)). */
async function groupsOf(account: ServiceAccount, groupFile: string): Promise<Set<number>> {
  const gids = new Set([account.gid]);
  const text = await readFile(groupFile, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [, , gid, members = ''] = line.split(':');
    if (gid !== undefined && members.split(',').includes(account.name)) gids.add(Number(gid));
  }
  return gids;
}

/** Whether a node with this owner and mode may be opened read-write by the account. */
export function modeAllowsReadWrite(
  st: { uid: number; gid: number; mode: number },
  uid: number,
  gids: ReadonlySet<number>,
): boolean {
  if (st.uid === uid) return (st.mode & 0o600) === 0o600;
  if (gids.has(st.gid)) return (st.mode & 0o060) === 0o060;
  return (st.mode & 0o006) === 0o006;
}

async function denied(port: RecorderPort, ctx: DoctorContext): Promise<Said | null> {
  const { devNode, model } = port;
  if (ctx.host.uid !== 0)
    return access(devNode, constants.R_OK | constants.W_OK).then(
      () => null,
      () => said('doctor.ports.notHere', { devNode, model }),
    );
  const account = await ctx.host.serviceAccount();
  if (!account) return said('doctor.noServiceUser');
  const st = await stat(port.devNode);
  if (modeAllowsReadWrite(st, account.uid, await groupsOf(account, ctx.host.groupFile))) return null;
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  return said('doctor.ports.closed', { devNode, model, uid: st.uid, gid: st.gid, mode, user: account.name });
}

/**
 * Every serial recorder plugged in now can be opened by the service user: udev gave its port to
 * the service's group (a model on a generic USB-serial bridge needs the site rules).
 */
export const recorderPortsCheck: DoctorCheck = {
  name: 'recorder ports',
  async run(ctx) {
    const ports = await recorderPorts(ctx);
    if (ports.length === 0) return pass(said('doctor.ports.none'));
    const problems = (await Promise.all(ports.map((p) => denied(p, ctx)))).filter((p) => p !== null);
    if (problems.length === 0)
      return pass(said('doctor.ports.ok', { ports: ports.map((p) => p.devNode).join(', ') }));
    return fail(
      said('doctor.list', {}, { items: (lang) => problems.map((p) => sayIn(lang, p)).join('; ') }),
      said('doctor.ports.fix', { file: SITE_RULES_FILE }),
    );
  },
};
