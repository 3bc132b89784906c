import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import {
  type ConfigLoadOptions,
  type LoadedConfig,
  loadConfig,
  migrationSummary,
} from '../config/config-loader.ts';
import { rewriteInCurrentLayout } from '../config/config-rewrite.ts';
import { configValidator } from '../config/config-schema.ts';
import { configKeyRows, keyTableMarkdown, withKeyTable } from '../config/key-table.ts';
import { domainText } from '../i18n/domain.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import { said, sayIn } from '../i18n/said.ts';
import { REDACTED_FIELDS } from '../ops/logger.ts';
import { namedConfigFile, parseCommandLine, stateOptions, UsageError, usageLine } from './cli-options.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';

const HELP = `usage: dockctl config check [FILE | --config FILE | --embedded] [--state DIR]
       dockctl config show [FILE | --config FILE | --embedded] [--state DIR]
       dockctl config migrate [FILE | --config FILE]
       dockctl config keys [--update-readme README.md]

  check     validate FILE against schemas/config.schema.json, listing every problem
  show      the effective configuration (defaults filled in, passwords hidden)
  migrate   print FILE rewritten in the current layout (the file itself is not changed)
  keys      the table of every key, as markdown; --update-readme rewrites the README's table

FILE (or --config FILE) defaults to $DOCK_CONFIG, else /etc/recorder-dock/config.yaml;
--embedded uses the built-in defaults; --state DIR puts the state folder there, as every
dockctl command does. Exit status: 0 valid, 78 invalid or unreadable, 64 usage.
`;

interface ConfigArgs {
  readonly action: string;
  readonly file: string | null;
  readonly load: ConfigLoadOptions;
  readonly updateReadme: string | undefined;
}

function parse(io: CliIo, lang: Lang): ConfigArgs | null {
  const options = { embedded: { type: 'boolean' }, 'update-readme': { type: 'string' } } as const;
  const { values, positionals } = parseCommandLine(io.argv, options, io.env);
  const [action, positional, extra] = positionals;
  if (values.help || action === undefined) return null;
  if (extra !== undefined) throw new UsageError(said('cli.config.oneFile', { extra }), lang);
  if (positional !== undefined && values.config !== undefined)
    throw new UsageError(said('cli.config.fileOrConfig'), lang);
  const file = positional ?? values.config;
  if (values.embedded && file !== undefined) throw new UsageError(said('cli.config.fileOrEmbedded'), lang);
  return {
    action,
    file: values.embedded ? null : namedConfigFile(file, io.env),
    load: stateOptions(values, io.env),
    updateReadme: values['update-readme'],
  };
}

const HIDDEN = '[hidden]';
/** Keys whose values `config show` never prints: the logger's redaction list plus credentials. */
const SECRET_KEYS = new Set([...REDACTED_FIELDS, 'sessionToken', 'accessKeyId']);

/** The configuration with every password, token and key replaced, for printing. */
export function redactedConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactedConfig);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_KEYS.has(k) && v !== null && v !== undefined ? HIDDEN : redactedConfig(v),
    ]),
  );
}

async function check(io: CliIo, file: string | null, load: ConfigLoadOptions = {}): Promise<number> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(file, load);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    io.stderr.write(`dockctl: ${formatConfigError(err, langFromEnv(io.env))}\n`);
    return err.exitCode;
  }
  const lang = langFromEnv(io.env);
  const notes = loaded.noteWords?.map((n) => sayIn(lang, n)) ?? loaded.notes;
  for (const note of notes) io.stdout.write(`${domainText(lang, 'cfg.note')}${note}\n`);
  io.stdout.write(
    `${domainText(lang, 'cfg.valid', { source: loaded.config.source, version: loaded.config.version })}\n`,
  );
  return ExitCode.ok;
}

async function show(io: CliIo, file: string | null, load: ConfigLoadOptions): Promise<number> {
  try {
    const { config } = await loadConfig(file, load);
    io.stdout.write(stringify(redactedConfig(config)));
    return ExitCode.ok;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    io.stderr.write(`dockctl: ${formatConfigError(err, langFromEnv(io.env))}\n`);
    return err.exitCode;
  }
}

async function migrateFile(io: CliIo, file: string | null, lang: Lang): Promise<number> {
  if (file === null) throw new UsageError(said('cli.config.migrateNeedsFile'), lang);
  const text = await readFile(file, 'utf8').catch(() => null);
  const rewritten = text === null ? null : rewriteInCurrentLayout(text);
  // Unreadable or not YAML: the check says why, with the exit code for it.
  if (!rewritten) return check(io, file);
  const { migration } = rewritten;
  const summary =
    migration.applied.length === 0
      ? said('cli.config.current', { file })
      : said(
          'cli.config.migrated',
          { file, from: migration.fromVersion ?? '?' },
          {
            what: migrationSummary(migration, lang),
          },
        );
  io.stderr.write(`dockctl: ${sayIn(lang, summary)}\n`);
  io.stdout.write(rewritten.text);
  return ExitCode.ok;
}

async function keys(io: CliIo, readme: string | undefined, lang: Lang): Promise<number> {
  const table = keyTableMarkdown(configKeyRows(configValidator().schemas));
  if (readme === undefined) {
    io.stdout.write(table);
    return ExitCode.ok;
  }
  const before = await readFile(readme, 'utf8');
  const after = withKeyTable(before, table);
  if (after !== before) await writeFile(readme, after);
  const outcome = said(after === before ? 'cli.config.tableCurrent' : 'cli.config.tableUpdated', { readme });
  io.stdout.write(`${sayIn(lang, outcome)}\n`);
  return ExitCode.ok;
}

/** `dockctl config`: check, show and migrate configuration files; print the key table. */
export const configCommand: CliCommand = {
  name: 'config',
  summary: 'check, show or migrate the configuration file; list its keys',
  async run(io) {
    const lang = langFromEnv(io.env);
    let args: ConfigArgs | null;
    try {
      args = parse(io, lang);
      if (!args) {
        io.stdout.write(commandHelp(configCommand, HELP, lang).usage);
        return io.argv.length === 0 ? ExitCode.usage : ExitCode.ok;
      }
      switch (args.action) {
        case 'check':
          return await check(io, args.file, args.load);
        case 'show':
          return await show(io, args.file, args.load);
        case 'migrate':
          return await migrateFile(io, args.file, lang);
        case 'keys':
          return await keys(io, args.updateReadme, lang);
        default:
          throw new UsageError(said('cli.usage.unknownAction', { action: args.action }), lang);
      }
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr.write(`${usageLine('config', err, lang)}\n`);
      return ExitCode.usage;
    }
  },
};
