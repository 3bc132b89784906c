import type { ValidateFunction } from 'ajv/dist/2020.js';
import { firstSchemaProblem, lazySchemas, schemaId } from '../../drivers/contract/json-schema.ts';

/** The schema file of each record type that leaves the box. */
export const RECORD_SCHEMA_FILES = {
  'clip-index': 'index-record.schema.json',
  'usage-session': 'usage-session.schema.json',
  alert: 'alert-record.schema.json',
  checkpoint: 'checkpoint-record.schema.json',
  dock: 'dock-record.schema.json',
  lifecycle: 'lifecycle-record.schema.json',
} as const;

/** The batch envelope's schema file. */
export const BATCH_SCHEMA_FILE = 'batch-envelope.schema.json';

const SUPPORT_FILES = ['checkpoint.schema.json'];

const compiled = lazySchemas(
  { allErrors: false, strict: true },
  [...SUPPORT_FILES, ...Object.values(RECORD_SCHEMA_FILES), BATCH_SCHEMA_FILE],
  (ajv) => ({
    byType: new Map(
      Object.entries(RECORD_SCHEMA_FILES).map(
        ([type, file]) => [type, ajv.getSchema(schemaId(file)) as ValidateFunction] as const,
      ),
    ),
    batch: ajv.getSchema(schemaId(BATCH_SCHEMA_FILE)) as ValidateFunction,
  }),
);

/**
 * Why a record does not match its schema, in one line, or null when it does. Never quotes the
 * record's values, which may be personal data (R11).
 */
export function recordProblem(record: unknown): string | null {
  const type = (record as { type?: unknown } | null)?.type;
  const check = typeof type === 'string' ? compiled().byType.get(type) : undefined;
  if (!check) return `unknown record type ${JSON.stringify(type ?? null)}`;
  return firstSchemaProblem(check, record);
}

/** Why a batch envelope does not match its schema, or null when it does. */
export function batchProblem(envelope: unknown): string | null {
  return firstSchemaProblem(compiled().batch, envelope);
}
