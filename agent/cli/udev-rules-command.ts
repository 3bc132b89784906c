import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/config-loader.ts';
import { langFromEnv } from '../i18n/lang.ts';
import { said } from '../i18n/said.ts';
import { builtinEntries, udevRulesText } from '../ops/udev-rules.ts';
import { namedConfigFile, parseCommandLine, UsageError, usageLine } from './cli-options.ts';
import { type CliCommand, commandHelp, ExitCode } from './command.ts';

const HELP = `usage: dockctl udev-rules [--site [--config FILE]]

Prints udev rules for the recorder USB ids: by default for the built-in fingerprint table (what
the package installs as /usr/lib/udev/rules.d/70-recorder-dock.rules); with --site, for the
models in the config file's drivers.fingerprints section. Install those with:

  dockctl udev-rules --site > /etc/udev/rules.d/71-recorder-dock-site.rules
  udevadm control --reload && udevadm trigger --subsystem-match=usb
`;

/** `dockctl udev-rules`: udev rules generated from the fingerprint table. */
export const udevRulesCommand: CliCommand = {
  name: 'udev-rules',
  summary: 'print udev rules for the recorder USB ids (built-in table, or --site models)',
  async run(io) {
    const lang = langFromEnv(io.env);
    let values: ReturnType<typeof parseCommandLine<{ site: { type: 'boolean' } }>>['values'];
    try {
      const parsed = parseCommandLine(io.argv, { site: { type: 'boolean' } }, io.env);
      const [extra] = parsed.positionals;
      if (extra !== undefined) throw new UsageError(said('cli.usage.unexpected', { arg: extra }), lang);
      values = parsed.values;
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr.write(`${usageLine('udev-rules', err, lang)}\n`);
      return ExitCode.usage;
    }
    if (values.help) {
      io.stdout.write(commandHelp(udevRulesCommand, HELP, lang).usage);
      return ExitCode.ok;
    }
    if (!values.site) {
      io.stdout.write(udevRulesText(builtinEntries(), 'built-in recorder models'));
      return ExitCode.ok;
    }
    try {
      const { config } = await loadConfig(namedConfigFile(values.config, io.env));
      io.stdout.write(
        udevRulesText(config.drivers.fingerprints.models ?? [], `site models from ${config.source}`),
      );
      return ExitCode.ok;
    } catch (err) {
      if (!isConfigError(err)) throw err;
      io.stderr.write(`dockctl: ${formatConfigError(err, lang)}\n`);
      return err.exitCode;
    }
  },
};
