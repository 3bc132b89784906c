/**
 * Canonical JSON: the byte-stable encoding every ledger hash and signature is computed over.
 * Sorted keys (UTF-16 code unit order, as RFC 8785), no whitespace, strings escaped exactly as
 * ECMAScript JSON.stringify does, integers only. See agent/ledger/README.md for the full rules.
 */

/** A value that has a canonical encoding. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** Thrown when a value has no canonical encoding (a float, undefined, a Date, a cycle …). */
export class CanonicalEncodingError extends Error {
  constructor(where: string, what: string) {
    super(`no canonical encoding for ${what} at ${where}`);
    this.name = 'CanonicalEncodingError';
  }
}

/** Nesting deeper than this is refused; it also stops cycles without tracking visited objects. */
const MAX_DEPTH = 64;

/** Encode `value` canonically. Throws CanonicalEncodingError for anything outside the format. */
export function canonicalJson(value: unknown): string {
  return encode(value, 0, '$');
}

/** UTF-8 bytes of the canonical encoding. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** True when `text` is already the canonical encoding of what it parses to. */
export function isCanonicalJson(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

function encode(value: unknown, depth: number, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalEncodingError(where, `the number ${value}`);
      return value === 0 ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (depth >= MAX_DEPTH) throw new CanonicalEncodingError(where, 'nesting this deep (a cycle?)');
      return Array.isArray(value)
        ? encodeArray(value, depth + 1, where)
        : encodeObject(value, depth + 1, where);
    default:
      throw new CanonicalEncodingError(where, `a value of type ${typeof value}`);
  }
}

function encodeArray(value: readonly unknown[], depth: number, where: string): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    out += encode(value[i], depth, where);
  }
  return `${out}]`;
}

function encodeObject(value: object, depth: number, where: string): string {
  // `where` names the nearest key, for the error message only (a full path would cost every call).
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalEncodingError(where, `an object of class ${value.constructor?.name ?? 'unknown'}`);
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 prescribes.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${encode(record[key], depth, key)}`;
  }
  return `${out}}`;
}
