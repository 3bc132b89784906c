import { type ConfigSchemas, resolveRef, type SchemaNode } from './config-schema.ts';

/** One documented key of the configuration. */
export interface KeyRow {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** Keys whose sub-structure is documented in their own schema file rather than row by row. */
const OPAQUE_REFS = ['fingerprints.schema.json'];

const NAMED_DEFS: Record<string, string> = {
  '#/$defs/absolutePath': 'path',
  '#/$defs/byteSize': 'size',
  '#/$defs/mountOptions': 'list of options',
  '#/$defs/listen': 'host, port',
};

function typeOf(node: SchemaNode, ref: string | undefined): string {
  if (ref && NAMED_DEFS[ref]) return NAMED_DEFS[ref] as string;
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' | ');
  if (node.oneOf) return node.oneOf.map((b) => typeOf(b, b.$ref)).join(' or ');
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items, node.items.$ref) : 'values'}`;
  if (node.type === 'object') return 'mapping';
  return typeof node.type === 'string' ? node.type : 'see schema';
}

function showDefault(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Cell text outside code spans: `<stateDir>` must not read as an HTML tag. */
const prose = (s: string): string => cell(s).replace(/</g, '&lt;').replace(/>/g, '&gt;');

function walk(
  schemas: ConfigSchemas,
  node: SchemaNode,
  doc: SchemaNode,
  prefix: string,
  out: KeyRow[],
): void {
  for (const [name, own] of Object.entries(node.properties ?? {})) {
    if (name === '$schema') continue;
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const ref = own.$ref;
    const file = ref?.split('#')[0];
    const target = ref ? resolveRef(schemas, doc, ref) : undefined;
    const merged: SchemaNode = { ...(target ?? {}), ...own };
    const nextDoc = file ? (schemas.referenced[file] ?? doc) : doc;
    const opaque = file !== undefined && OPAQUE_REFS.includes(file);
    // A mapping is shown key by key unless its default says more as a whole (fsOptions).
    const wholeDefault =
      typeof merged.default === 'object' && merged.default !== null && Object.keys(merged.default).length > 0;
    const foreign = file !== undefined && file !== '';
    if (merged.properties && !opaque && !(ref && NAMED_DEFS[ref]) && (!wholeDefault || foreign)) {
      walk(schemas, merged, nextDoc, key, out);
      continue;
    }
    out.push({
      key,
      type: opaque ? `see schemas/${file}` : typeOf(merged, ref),
      default: showDefault(merged.default),
      description: merged.description ?? '',
    });
  }
}

/** Every key of the configuration, in schema order, from schemas/config.schema.json. */
export function configKeyRows(schemas: ConfigSchemas): KeyRow[] {
  const out: KeyRow[] = [];
  walk(schemas, schemas.config, schemas.config, '', out);
  return out;
}

/** The rows as a markdown table (the README's configuration section). */
export function keyTableMarkdown(rows: readonly KeyRow[]): string {
  const lines = [
    '_Generated from `schemas/config.schema.json` by `dockctl config keys`; do not edit by hand._',
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.key}\` | ${prose(r.type)} | ${r.default === '' ? '' : `\`${cell(r.default)}\``} | ${prose(r.description)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The README markers between which the table lives. */
export const README_MARKERS = {
  start: '<!-- config-keys:start -->',
  end: '<!-- config-keys:end -->',
} as const;

/** README text with the marked section replaced by `table`; throws when the markers are missing. */
export function withKeyTable(readme: string, table: string): string {
  const start = readme.indexOf(README_MARKERS.start);
  const end = readme.indexOf(README_MARKERS.end);
  if (start < 0 || end < start) throw new Error('the README has no config-keys markers');
  return `${readme.slice(0, start + README_MARKERS.start.length)}\n${table}${readme.slice(end)}`;
}
