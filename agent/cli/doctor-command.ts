import { isConfigError } from '../config/config-error.ts';
import { type ConfigLoadOptions, type LoadedConfig, loadConfig } from '../config/config-loader.ts';
import { type CentralStoreProbe, centralStoreCheck } from '../doctor/central-store-check.ts';
import { deviceModulesCheck, recorderPortsCheck } from '../doctor/device-checks.ts';
import {
  type DoctorCheck,
  type DoctorContext,
  type DoctorHost,
  doctorJson,
  formatDoctor,
  runDoctor,
} from '../doctor/doctor-check.ts';
import {
  timeSyncCheck,
  timezoneCheck,
  udevCheck,
  udevRulesCheck,
  usbBusCheck,
} from '../doctor/host-checks.ts';
import { ledgerCheck } from '../doctor/ledger-check.ts';
import { offsiteCheck } from '../doctor/offsite-check.ts';
import { configCheck, mountHelperCheck, vendorSdkCheck } from '../doctor/service-checks.ts';
import { stateDirCheck, vaultDirCheck } from '../doctor/storage-checks.ts';
import { langFromEnv } from '../i18n/lang.ts';
import { said } from '../i18n/said.ts';
import { lookupAccount } from '../mountd/service-account.ts';
import { kernelClockSynchronised } from '../ops/clock-sync.ts';
import { SERVICE_GROUP } from '../ops/udev-rules.ts';
import { namedConfigFile, parseCommandLine, stateOptions, UsageError, usageLine } from './cli-options.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';

const HELP = `usage: dockctl doctor [--config FILE] [--state DIR] [--json]

Checks that this box can do its job, one line each with what to do when it fails: config,
state folder, vault, ledger, USB bus, udev, recorder rules, device modules, recorder ports
(the service can open every serial recorder plugged in), mount helper, vendor SDK, time sync,
time zone, central store, off-site copy. Run it as root to judge folders for the service's user.
FILE defaults to $DOCK_CONFIG, else /etc/recorder-dock/config.yaml; --state DIR puts the state
folder there, as every dockctl command does.
Exit status: 0 nothing failed (warnings allowed), 1 something failed, 64 usage.
`;

/** Every check, in report order. The forwarder may supply its own central-store probe. */
export function doctorChecks(centralStore?: CentralStoreProbe): DoctorCheck[] {
  return [
    configCheck,
    stateDirCheck,
    vaultDirCheck,
    ledgerCheck,
    usbBusCheck,
    udevCheck,
    udevRulesCheck,
    deviceModulesCheck,
    recorderPortsCheck,
    mountHelperCheck,
    vendorSdkCheck,
    timeSyncCheck,
    timezoneCheck,
    centralStoreCheck(centralStore),
    offsiteCheck,
  ];
}

/** The real host. */
export function productionHost(): DoctorHost {
  return {
    sysBusUsb: '/sys/bus/usb',
    udevControl: '/run/udev/control',
    udevRulesDirs: ['/etc/udev/rules.d', '/run/udev/rules.d', '/usr/lib/udev/rules.d', '/lib/udev/rules.d'],
    localtime: '/etc/localtime',
    sysClassTty: '/sys/class/tty',
    devDir: '/dev',
    procDevices: '/proc/devices',
    groupFile: '/etc/group',
    clockSynchronised: kernelClockSynchronised,
    serviceAccount: () => lookupAccount(SERVICE_GROUP).catch(() => null),
    uid: process.getuid?.() ?? -1,
  };
}

/** The context for a config file: its configuration, or the embedded defaults when it is invalid. */
export async function doctorContext(
  configFile: string,
  host: DoctorHost,
  load: ConfigLoadOptions = {},
): Promise<DoctorContext> {
  let loaded: LoadedConfig | null = null;
  try {
    loaded = await loadConfig(configFile, load);
  } catch (err) {
    if (!isConfigError(err)) throw err;
  }
  const config = loaded?.config ?? (await loadConfig(null, load)).config;
  return { configFile, loaded, config, host };
}

async function run(io: CliIo): Promise<number> {
  const lang = langFromEnv(io.env);
  const { values, positionals } = parseCommandLine(io.argv, { json: { type: 'boolean' } }, io.env);
  if (values.help) {
    io.stdout.write(commandHelp(doctorCommand, HELP, lang).usage);
    return ExitCode.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(said('cli.usage.unexpected', { arg: positionals[0] ?? '' }), lang);
  const file = namedConfigFile(values.config, io.env);
  const ctx = await doctorContext(file, productionHost(), stateOptions(values, io.env));
  const lines = await runDoctor(doctorChecks(), ctx);
  io.stdout.write(
    values.json ? `${JSON.stringify(doctorJson(lines), null, 2)}\n` : formatDoctor(lines, lang),
  );
  return lines.some((l) => l.status === 'fail') ? ExitCode.findings : ExitCode.ok;
}

/** `dockctl doctor`: what stands between this box and docking recorders, and what to do. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check config, folders, ledger, USB, udev, time and the central store',
  async run(io) {
    try {
      return await run(io);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr.write(`${usageLine('doctor', err, langFromEnv(io.env))}\n`);
      return ExitCode.usage;
    }
  },
};
