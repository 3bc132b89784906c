import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** Base of the schema ids in schemas/; relative `$ref`s between the files resolve against it. */
const ID_BASE = 'https://recorder-dock.invalid/schemas/';

/** The schema file of each record type that leaves the box. */
export const RECORD_SCHEMA_FILES = {
  'clip-index': 'index-record.schema.json',
  'usage-session': 'usage-session.schema.json',
  alert: 'alert-record.schema.json',
  checkpoint: 'checkpoint-record.schema.json',
  dock: 'dock-record.schema.json',
} as const;

/** The batch envelope's schema file. */
export const BATCH_SCHEMA_FILE = 'batch-envelope.schema.json';

const SUPPORT_FILES = ['checkpoint.schema.json'];

let compiled: { byType: Map<string, ValidateFunction>; batch: ValidateFunction } | undefined;

function readSchemaFile(name: string): object {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object;
}

function compile(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  for (const name of [...SUPPORT_FILES, ...Object.values(RECORD_SCHEMA_FILES)])
    ajv.addSchema({ ...readSchemaFile(name), $id: `${ID_BASE}${name}` });
  const byType = new Map<string, ValidateFunction>();
  for (const [type, name] of Object.entries(RECORD_SCHEMA_FILES)) {
    byType.set(type, ajv.getSchema(`${ID_BASE}${name}`) as ValidateFunction);
  }
  const batch = ajv.compile({ ...readSchemaFile(BATCH_SCHEMA_FILE), $id: `${ID_BASE}${BATCH_SCHEMA_FILE}` });
  compiled = { byType, batch };
  return compiled;
}

/**
 * Why a record does not match its schema, in one line, or null when it does. Never quotes the
 * record's values, which may be personal data (R11).
 */
export function recordProblem(record: unknown): string | null {
  const type = (record as { type?: unknown } | null)?.type;
  const check = typeof type === 'string' ? compile().byType.get(type) : undefined;
  if (!check) return `unknown record type ${JSON.stringify(type ?? null)}`;
  if (check(record)) return null;
  const e = check.errors?.[0];
  return `${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`;
}

/** Why a batch envelope does not match its schema, or null when it does. */
export function batchProblem(envelope: unknown): string | null {
  const check = compile().batch;
  if (check(envelope)) return null;
  const e = check.errors?.[0];
  return `${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`;
}
