import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { type ConfigLoadOptions, type LoadedConfig, loadConfig } from '../config/config-loader.ts';
import { rewriteInCurrentLayout } from '../config/config-rewrite.ts';
import { configValidator } from '../config/config-schema.ts';
import { configKeyRows, keyTableMarkdown, withKeyTable } from '../config/key-table.ts';
import { REDACTED_FIELDS } from '../ops/logger.ts';
import { namedConfigFile, parseCommandLine, stateOptions, UsageError } from './cli-options.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';

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

function parse(io: CliIo): ConfigArgs | null {
  const { values, positionals } = parseCommandLine(io.argv, {
    embedded: { type: 'boolean' },
    'update-readme': { type: 'string' },
  });
  const [action, positional, extra] = positionals;
  if (values.help || action === undefined) return null;
  if (extra !== undefined) throw new UsageError(`one FILE at most, got '${extra}' too`);
  if (positional !== undefined && values.config !== undefined)
    throw new UsageError('give FILE or --config FILE, not both');
  const file = positional ?? values.config;
  if (values.embedded && file !== undefined) throw new UsageError('give FILE or --embedded, not both');
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
    io.stderr.write(`dockctl: ${formatConfigError(err)}\n`);
    return err.exitCode;
  }
  for (const note of loaded.notes) io.stdout.write(`note: ${note}\n`);
  io.stdout.write(`configuration ${loaded.config.source} is valid (version ${loaded.config.version})\n`);
  return ExitCode.ok;
}

async function show(io: CliIo, file: string | null, load: ConfigLoadOptions): Promise<number> {
  try {
    const { config } = await loadConfig(file, load);
    io.stdout.write(stringify(redactedConfig(config)));
    return ExitCode.ok;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    io.stderr.write(`dockctl: ${formatConfigError(err)}\n`);
    return err.exitCode;
  }
}

async function migrateFile(io: CliIo, file: string | null): Promise<number> {
  if (file === null) throw new UsageError('migrate needs a FILE');
  const text = await readFile(file, 'utf8').catch(() => null);
  const rewritten = text === null ? null : rewriteInCurrentLayout(text);
  // Unreadable or not YAML: the check says why, with the exit code for it.
  if (!rewritten) return check(io, file);
  const { migration } = rewritten;
  const summary =
    migration.applied.length === 0
      ? 'already in the current layout'
      : `migrated from version ${migration.fromVersion}: ${migration.applied.map((m) => m.summary).join('; ')}`;
  io.stderr.write(`dockctl: ${file} ${summary}\n`);
  io.stdout.write(rewritten.text);
  return ExitCode.ok;
}

async function keys(io: CliIo, readme: string | undefined): Promise<number> {
  const table = keyTableMarkdown(configKeyRows(configValidator().schemas));
  if (readme === undefined) {
    io.stdout.write(table);
    return ExitCode.ok;
  }
  const before = await readFile(readme, 'utf8');
  const after = withKeyTable(before, table);
  if (after !== before) await writeFile(readme, after);
  io.stdout.write(`${readme}: configuration table ${after === before ? 'already up to date' : 'updated'}\n`);
  return ExitCode.ok;
}

/** `dockctl config`: check, show and migrate configuration files; print the key table. */
export const configCommand: CliCommand = {
  name: 'config',
  summary: 'check, show or migrate the configuration file; list its keys',
  async run(io) {
    let args: ConfigArgs | null;
    try {
      args = parse(io);
      if (!args) {
        io.stdout.write(HELP);
        return io.argv.length === 0 ? ExitCode.usage : ExitCode.ok;
      }
      switch (args.action) {
        case 'check':
          return await check(io, args.file, args.load);
        case 'show':
          return await show(io, args.file, args.load);
        case 'migrate':
          return await migrateFile(io, args.file);
        case 'keys':
          return await keys(io, args.updateReadme);
        default:
          throw new UsageError(`unknown action '${args.action}'`);
      }
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr.write(`dockctl config: ${(err as Error).message}; see 'dockctl config --help'\n`);
      return ExitCode.usage;
    }
  },
};
