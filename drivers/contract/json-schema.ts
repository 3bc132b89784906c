/**
 * The contracts in schemas/ as JSON Schema, loaded and compiled once per process. The agent (config,
 * forwarder records, export manifests) and the drivers (fingerprint table) read their schemas
 * through here, so every file gets the same absolute id and relative `$ref`s between the files
 * resolve as an editor resolves them.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';

/** Base of every schema id in schemas/. */
export const SCHEMA_ID_BASE = 'https://recorder-dock.invalid/schemas/';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

/** The absolute id of a file in schemas/. */
export function schemaId(file: string): string {
  return `${SCHEMA_ID_BASE}${file}`;
}

/** A file of schemas/, parsed, carrying its absolute id. */
export function readSchemaFile<T extends object = object>(file: string): T & { readonly $id: string } {
  const doc = JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as T;
  return { ...doc, $id: schemaId(file) };
}

/**
 * Validators built on first use and kept: an Ajv with `options` holding every file of `files`
 * under its absolute id, handed to `build` with the parsed documents by file name.
 */
export function lazySchemas<T>(
  options: Options,
  files: readonly string[],
  build: (ajv: Ajv2020, docs: Readonly<Record<string, object>>) => T,
): () => T {
  let built: { value: T } | undefined;
  return () => {
    if (!built) {
      const ajv = new Ajv2020(options);
      const docs: Record<string, object> = {};
      for (const file of files) {
        docs[file] = readSchemaFile(file);
        ajv.addSchema(docs[file]);
      }
      built = { value: build(ajv, docs) };
    }
    return built.value;
  };
}

/** The validator of one schema file, compiled on first use. */
export function lazyValidator(file: string, options: Options): () => ValidateFunction {
  return lazySchemas(options, [file], (ajv) => ajv.getSchema(schemaId(file)) as ValidateFunction);
}

/** One failed check as a line: where, and what is wrong. Values are never quoted (R11). */
export function schemaErrorLine(error: ErrorObject | undefined): string {
  return `${error?.instancePath || '/'} ${error?.message ?? 'is invalid'}`;
}

/** Why `value` does not match, as the first problem's line; null when it matches. */
export function firstSchemaProblem(validate: ValidateFunction, value: unknown): string | null {
  return validate(value) ? null : schemaErrorLine(validate.errors?.[0]);
}
