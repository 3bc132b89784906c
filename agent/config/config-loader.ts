import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errnoCode } from '../errors.ts';
import { semanticProblems } from './config-checks.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import {
  CONFIG_VERSION,
  type MigrationResult,
  migrate,
  objectTarget,
  originalPath,
} from './config-migrations.ts';
import { FHS_PATH_DEFAULTS, type PathDefaults, type RawProblem, resolveConfig } from './config-resolve.ts';
import { configValidator } from './config-schema.ts';
import type { DockConfig } from './dock-config.ts';
import { formatKeyPath } from './key-path.ts';
import { type ProblemLocator, schemaProblems } from './schema-problems.ts';
import { parseYamlSource } from './yaml-source.ts';

/** The configuration file of a production box. */
export const PRODUCTION_CONFIG_FILE = '/etc/recorder-dock/config.yaml';

/** The embedded defaults (`make demo`, and a box with no file of its own). */
export const EMBEDDED_DEFAULTS_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

/** Name used for the embedded defaults in messages. */
export const EMBEDDED_SOURCE = 'the embedded defaults';

/** A configuration that passed every check, and what was noticed on the way. */
export interface LoadedConfig {
  readonly config: DockConfig;
  /** Things to tell the operator that are not errors (a migrated layout). */
  readonly notes: readonly string[];
  /** The version the file declared when it was migrated, else null. */
  readonly migratedFrom: number | null;
}

/** How to load. */
export interface ConfigLoadOptions {
  /** Roots for path keys the file leaves unset; FHS by default. */
  readonly pathDefaults?: PathDefaults;
  /** The state folder whatever the file says (`dockctl --state DIR`). */
  readonly stateDir?: string;
}

/** The file dockd and dockctl read when none is named: `$DOCK_CONFIG`, else the production file. */
export function configFileFromEnv(env: NodeJS.ProcessEnv): string {
  return env.DOCK_CONFIG ?? PRODUCTION_CONFIG_FILE;
}

function fail(source: string, problems: readonly ConfigProblem[]): never {
  throw new ConfigError(source, problems);
}

function placed(raw: readonly RawProblem[], locator: ProblemLocator): ConfigProblem[] {
  return raw.map((p) => {
    const at = locator.original(p.at);
    return { path: formatKeyPath(at), line: lineUpwards(locator, at), message: p.message, hint: p.hint };
  });
}

/** The line of the nearest key along the path that is in the file. */
export function lineUpwards(locator: ProblemLocator, at: readonly (string | number)[]): number | null {
  for (let n = at.length; n > 0; n--) {
    const line = locator.lineOf(at.slice(0, n), { key: true });
    if (line !== null) return line;
  }
  return null;
}

function migrationNotes(m: MigrationResult, source: string): string[] {
  if (m.applied.length === 0) return [];
  const what = m.applied.map((s) => s.summary).join('; ');
  return [
    `the file is version ${m.fromVersion} and was read as version ${CONFIG_VERSION} (${what}); run 'dockctl config migrate ${source}' to see it rewritten`,
  ];
}

function newerVersion(declared: unknown, line: number | null): ConfigProblem | null {
  if (typeof declared !== 'number' || declared <= CONFIG_VERSION) return null;
  return {
    path: 'version',
    line,
    message: `is ${declared}, newer than this recorder-dock reads (${CONFIG_VERSION})`,
    hint: 'upgrade the recorder-dock package, or write the file in the version 2 layout',
  };
}

/**
 * Parse, migrate, validate and resolve configuration text. Throws ConfigError listing every
 * problem (YAML syntax; then schema; then the rules the schema cannot express).
 */
export function parseConfigText(text: string, source: string, options: ConfigLoadOptions = {}): LoadedConfig {
  const yaml = parseYamlSource(text);
  if (yaml.syntaxProblems.length > 0) fail(source, yaml.syntaxProblems);
  const data: unknown = yaml.doc.toJS({ maxAliasCount: 100 });
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail(source, [
      {
        path: '',
        line: null,
        message: 'holds no settings',
        hint: 'start from config/example.yaml, with version: 2',
      },
    ]);
  const doc = data as Record<string, unknown>;
  const newer = newerVersion(doc.version, yaml.lineOf(['version']));
  if (newer) fail(source, [newer]);
  const migration = migrate(doc.version, objectTarget(doc));
  const locator: ProblemLocator = {
    original: (p) => originalPath(p, migration),
    lineOf: (p, o) => yaml.lineOf(p, o),
  };
  const conflicts = migration.conflicts.map(
    (m): ConfigProblem => ({
      path: formatKeyPath(m.from),
      line: yaml.lineOf(m.from, { key: true }),
      message: `is set both here and as ${formatKeyPath(m.to)}`,
      hint: `keep only ${formatKeyPath(m.to)}`,
    }),
  );
  const { schemas, validate } = configValidator();
  const schemaFound = validate(doc) ? [] : schemaProblems(validate.errors ?? [], locator, schemas);
  const config = resolveConfig(doc, source, options.pathDefaults ?? FHS_PATH_DEFAULTS, options.stateDir);
  // Problems the schema already reported at or above a path make further ones there noise.
  const covered = (p: ConfigProblem) =>
    schemaFound.some((s) => s.path === '' || p.path === s.path || p.path.startsWith(`${s.path}.`));
  const semantic = placed(semanticProblems(config), locator).filter((p) => !covered(p));
  const problems = [...conflicts, ...schemaFound, ...semantic];
  if (problems.length > 0) fail(source, problems);
  return {
    config,
    notes: migrationNotes(migration, source),
    migratedFrom: migration.applied.length > 0 ? migration.fromVersion : null,
  };
}

/**
 * Load a configuration file, or the embedded defaults when `file` is null. A file that cannot
 * be read is a ConfigError too (exit 78), naming the file and what to do.
 */
export async function loadConfig(
  file: string | null,
  options: ConfigLoadOptions = {},
): Promise<LoadedConfig> {
  const path = file ?? EMBEDDED_DEFAULTS_FILE;
  const source = file ?? EMBEDDED_SOURCE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const message =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? String(err)})`;
    const hint =
      code === 'ENOENT'
        ? `create it from ${EMBEDDED_DEFAULTS_FILE} or config/example.yaml, or name another file`
        : 'check the file and its permissions; the service reads it as user recorder-dock';
    throw new ConfigError(source, [{ path: '', line: null, message, hint }], { cause: err });
  }
  return parseConfigText(text, source, options);
}
