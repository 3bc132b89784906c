import { existsSync } from 'node:fs';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { type ConfigLoadOptions, configFileFromEnv, loadConfig } from '../config/config-loader.ts';
import { FHS_PATH_DEFAULTS } from '../config/config-resolve.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { errorText, withWords } from '../i18n/error-words.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import { type Said, sayIn } from '../i18n/said.ts';
import type { CliIo } from './command.ts';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every dockctl command takes: which configuration, which state folder, help. */
const SHARED_OPTIONS = {
  config: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** How the shared options read in each command's usage. */
export const SHARED_USAGE = `  --config FILE  the configuration dockd reads (default $DOCK_CONFIG, else
                 /etc/recorder-dock/config.yaml when it exists, else the embedded defaults)
  --state DIR    the state folder, over the configuration's paths.stateDir (default $DOCK_STATE_DIR);
                 folders the configuration leaves unset are found below it
`;

/**
 * Wrong options or arguments: the command prints what is wrong and exits 64. What is wrong is
 * always catalogue words (a `cli.usage.*` key and its parameters), never English text, so that
 * every usage error has its Chinese sentence. The message is said in `lang` when the command
 * knows it, else in dockctl's own (its process's locale, as gettext takes it); the words go with
 * the error too, so errorText() says them in the language of the command's environment.
 */
export class UsageError extends Error {
  constructor(what: Said, lang: Lang = langFromEnv(process.env)) {
    super(sayIn(lang, what));
    withWords(this, what.key, what.params, what.nested);
  }
}

/** A usage error as a command prints it: `dockctl NAME: what is wrong; see 'dockctl NAME --help'`. */
export function usageLine(name: string, err: UsageError, lang: Lang): string {
  return `dockctl ${name}: ${sayIn(lang, { key: 'cli.usage.line', params: { name, message: errorText(lang, err) } })}`;
}

/** The hint after a usage error that points to the command's help: `; run 'dockctl NAME --help'`. */
export function usageHint(name: string, lang: Lang): string {
  return sayIn(lang, { key: 'cli.usage.hintRun', params: { name } });
}

/**
 * parseArgs's complaint in `lang`: in English Node's own sentence as it is, in Chinese the option
 * it names and what is wrong with it.
 */
function optionComplaint(err: Error & { code?: string }, lang: Lang): Said {
  if (lang === 'en') return { key: 'cli.usage.parseArgs', params: { message: err.message } };
  const option = /'(-[^' =]+)/.exec(err.message)?.[1] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return { key: 'cli.usage.unknownOption', params: { option } };
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /argument missing/.test(err.message)
      ? { key: 'cli.usage.optionNeedsValue', params: { option } }
      : { key: 'cli.usage.optionTakesNoValue', params: { option } };
  return { key: 'cli.usage.badOptions', params: { option } };
}

/**
 * One dockctl command line, parsed with the shared options (--config, --state, --help) beside
 * the command's own. Unknown options throw UsageError, in the language of `env`.
 */
export function parseCommandLine<const O extends OptionSpecs>(
  argv: readonly string[],
  options: O,
  env: NodeJS.ProcessEnv = process.env,
) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...SHARED_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const lang = langFromEnv(env);
    throw new UsageError(optionComplaint(err as Error, lang), lang);
  }
}

/** The file a command checks as it is, with no fallback: --config, $DOCK_CONFIG, else the /etc file. */
export function namedConfigFile(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? configFileFromEnv(env);
}

/**
 * The configuration file dockd reads, as a command finds it: --config FILE, else $DOCK_CONFIG,
 * else /etc/recorder-dock/config.yaml; null (the embedded defaults) when none is named and the
 * /etc file does not exist. A named file that is missing is a configuration error, as for dockd.
 */
export function commandConfigFile(option: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const named = namedConfigFile(option, env);
  return option !== undefined || env.DOCK_CONFIG !== undefined || existsSync(named) ? named : null;
}

/**
 * The configuration a command runs on: the one dockd reads, with --state DIR (else
 * $DOCK_STATE_DIR) as its state folder when given; folders the configuration leaves unset then lie
 * below DIR (the run folder at DIR/run, as `dockd demo` lays it out). Throws ConfigError.
 */
export async function commandConfig(values: SharedValues, env: NodeJS.ProcessEnv): Promise<DockConfig> {
  const file = commandConfigFile(values.config, env);
  return (await loadConfig(file, stateOptions(values, env))).config;
}

/** The shared options as parsed. */
export interface SharedValues {
  readonly config?: string | undefined;
  readonly state?: string | undefined;
}

/** How --state DIR (else $DOCK_STATE_DIR) bends the configuration's paths, for loadConfig. */
export function stateOptions(values: SharedValues, env: NodeJS.ProcessEnv): ConfigLoadOptions {
  const stateDir = values.state ?? (env.DOCK_STATE_DIR || undefined);
  if (!stateDir) return { pathDefaults: FHS_PATH_DEFAULTS };
  return { pathDefaults: { stateDir, runDir: path.join(stateDir, 'run') }, stateDir };
}

/** A configuration error as the command reports it (every problem listed); exit 78. Else null. */
export function configErrorExit(io: CliIo, err: unknown): number | null {
  if (!isConfigError(err)) return null;
  io.stderr.write(`dockctl: ${formatConfigError(err, langFromEnv(io.env))}\n`);
  return err.exitCode;
}
