import { type MigrationResult, migrate } from './config-migrations.ts';
import { parseYamlSource, yamlTarget } from './yaml-source.ts';

/** A configuration file rewritten in the current layout. */
export interface RewrittenConfig {
  readonly text: string;
  readonly migration: MigrationResult;
}

/**
 * The file's text in the current layout (CONFIG_VERSION), keeping comments on the keys that
 * moved. Returns null when the text is not YAML (the loader reports why); the result is not
 * validated here.
 */
export function rewriteInCurrentLayout(text: string): RewrittenConfig | null {
  const source = parseYamlSource(text);
  if (source.syntaxProblems.length > 0) return null;
  const declared: unknown = source.doc.get('version');
  const migration = migrate(declared, yamlTarget(source.doc));
  return { text: String(source.doc), migration };
}
