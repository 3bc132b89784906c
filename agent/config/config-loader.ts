import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Document } from 'yaml';
import { errnoCode } from '../errors.ts';
import type { Lang } from '../i18n/lang.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';
import { semanticProblems } from './config-checks.ts';
import { ConfigError, type ConfigProblem, type ProblemWords } from './config-error.ts';
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
  /** The same notes from the catalogue, for a reader of another language. */
  readonly noteWords?: readonly Said[];
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
    return {
      path: formatKeyPath(at),
      line: lineUpwards(locator, at),
      message: p.message,
      hint: p.hint,
      ...(p.words ? { words: p.words } : {}),
    };
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

/** What migrating did, in the reader's language: each applied step's sentence. */
export function migrationSummary(m: MigrationResult, lang: Lang): string {
  return m.applied.map((s) => sayIn(lang, said(s.words))).join(lang === 'en' ? '; ' : '；');
}

function migrationNotes(m: MigrationResult, source: string): Said[] {
  if (m.applied.length === 0) return [];
  const params = { from: m.fromVersion ?? '?', to: CONFIG_VERSION, source };
  return [said('cfg.migratedNote', params, { what: (lang) => migrationSummary(m, lang) })];
}

function newerVersion(declared: unknown, line: number | null): ConfigProblem | null {
  if (typeof declared !== 'number' || declared <= CONFIG_VERSION) return null;
  return {
    path: 'version',
    line,
    message: `is ${declared}, newer than this recorder-dock reads (${CONFIG_VERSION})`,
    hint: 'upgrade the recorder-dock package, or write the file in the version 2 layout',
    words: { message: 'cfg.newer', hint: 'cfgHint.newer', params: { n: declared, known: CONFIG_VERSION } },
  };
}

/**
 * The document as plain data. The YAML library throws for what its parse let through (an alias
 * expanding too far, a value no JSON holds): each is a listed problem, never an unexpected error.
 */
function plainData(doc: Document.Parsed, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const excessive = /alias count/i.test(String((err as Error)?.message));
    const why = String((err as Error)?.message ?? err).split('\n')[0] ?? '';
    fail(source, [
      {
        path: '',
        line: null,
        message: excessive
          ? 'repeats values through aliases (*name) too many times'
          : `cannot be read as settings (${why})`,
        hint: excessive
          ? 'write the values out instead of nesting aliases'
          : 'start from config/example.yaml',
        words: excessive
          ? { message: 'cfg.aliasLoop', hint: 'cfgHint.aliasLoop' }
          : { message: 'cfg.notSettings', hint: 'cfgHint.exampleFile', params: { detail: why } },
      },
    ]);
  }
}

/**
 * Parse, migrate, validate and resolve configuration text. Throws ConfigError listing every
 * problem (YAML syntax; then schema; then the rules the schema cannot express).
 */
export function parseConfigText(text: string, source: string, options: ConfigLoadOptions = {}): LoadedConfig {
  const yaml = parseYamlSource(text);
  if (yaml.syntaxProblems.length > 0) fail(source, yaml.syntaxProblems);
  const data = plainData(yaml.doc, source);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail(source, [
      {
        path: '',
        line: null,
        message: 'holds no settings',
        hint: 'start from config/example.yaml, with version: 2',
        words: { message: 'cfg.noSettings', hint: 'cfgHint.start' },
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
      words: { message: 'cfg.conflict', hint: 'cfgHint.conflict', params: { to: formatKeyPath(m.to) } },
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
    notes: migrationNotes(migration, source).map((n) => sayIn('en', n)),
    noteWords: migrationNotes(migration, source),
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
    const words: ProblemWords =
      code === 'ENOENT'
        ? { message: 'cfg.missing', hint: 'cfgHint.missing' }
        : code === 'EACCES'
          ? { message: 'cfg.denied', hint: 'cfgHint.unreadable' }
          : { message: 'cfg.unreadable', hint: 'cfgHint.unreadable', params: { code: code ?? '?' } };
    throw new ConfigError(source, [{ path: '', line: null, message, hint, words }], { cause: err });
  }
  return parseConfigText(text, source, options);
}
