import type { ValidateFunction } from 'ajv/dist/2020.js';
import { lazySchemas, readSchemaFile } from '../../drivers/contract/json-schema.ts';

/** A JSON Schema document as far as the config code looks into it. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly oneOf?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
}

/** The config schema and the files it references, by file name. */
export interface ConfigSchemas {
  readonly config: SchemaNode;
  readonly referenced: Readonly<Record<string, SchemaNode>>;
}

const REFERENCED = ['fingerprints.schema.json', 'forwarder-config.schema.json'];

/**
 * schemas/config.schema.json with the schemas it references (fingerprints, forwarder), compiled
 * once per process. The validator fills in defaults and reports every error (allErrors).
 */
export const configValidator = lazySchemas(
  { allErrors: true, useDefaults: true, verbose: true },
  REFERENCED,
  (ajv, docs): { schemas: ConfigSchemas; validate: ValidateFunction } => {
    const config = readSchemaFile<SchemaNode>('config.schema.json');
    return {
      schemas: { config, referenced: docs as Readonly<Record<string, SchemaNode>> },
      validate: ajv.compile(config),
    };
  },
);

/**
 * Follow a `$ref` to the node it names, within the config schema or a referenced file;
 * undefined when the target is not known here.
 */
export function resolveRef(schemas: ConfigSchemas, from: SchemaNode, ref: string): SchemaNode | undefined {
  const [file, fragment = ''] = ref.split('#');
  const doc = file === '' || file === undefined ? from : schemas.referenced[file];
  if (!doc) return undefined;
  let node: unknown = doc;
  for (const part of fragment.split('/').filter((p) => p !== '')) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  return node as SchemaNode | undefined;
}

/** The schema node a property path leads to (through properties and local `$ref`s), if any. */
export function schemaAt(
  schemas: ConfigSchemas,
  segments: readonly (string | number)[],
): SchemaNode | undefined {
  let node: SchemaNode | undefined = schemas.config;
  let doc: SchemaNode = schemas.config;
  for (const seg of segments) {
    if (!node) return undefined;
    ({ node, doc } = deref(schemas, node, doc));
    node = typeof seg === 'number' ? node?.items : node?.properties?.[seg];
  }
  return node ? deref(schemas, node, doc).node : undefined;
}

function deref(
  schemas: ConfigSchemas,
  node: SchemaNode,
  doc: SchemaNode,
): { node: SchemaNode | undefined; doc: SchemaNode } {
  let current: SchemaNode | undefined = node;
  let currentDoc = doc;
  for (let hops = 0; current?.$ref && hops < 8; hops++) {
    const ref: string = current.$ref;
    const file = ref.split('#')[0];
    const target = resolveRef(schemas, currentDoc, ref);
    if (file) currentDoc = schemas.referenced[file] ?? currentDoc;
    // Keep the referring node's own annotations (description, default) over the target's.
    current = target ? { ...target, ...withoutRef(current) } : undefined;
  }
  return { node: current, doc: currentDoc };
}

function withoutRef(node: SchemaNode): SchemaNode {
  const { $ref: _ref, ...rest } = node;
  return rest;
}
