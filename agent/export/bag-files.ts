/**
 * The BagIt 1.0 (RFC 8493) tag files of an export package: their text as written, and parsers that
 * report problems instead of throwing, for the verifier.
 */

/** The bag declaration file. */
export const BAGIT_FILE = 'bagit.txt';
/** The bag's metadata file. */
export const BAG_INFO_FILE = 'bag-info.txt';
/** Digests of every payload file. */
export const MANIFEST_FILE = 'manifest-sha256.txt';
/** Digests of every tag file except itself. */
export const TAG_MANIFEST_FILE = 'tagmanifest-sha256.txt';
/** The payload folder. */
export const PAYLOAD_DIR = 'data/';

/** The contents of bagit.txt. */
export const BAGIT_TEXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** One `path → digest` line of a manifest. */
export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
}

/** A manifest in the `sha256sum` format: `<hex>  <path>`, one per line, sorted by path. */
export function manifestText(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.map((e) => `${e.sha256}  ${e.path}\n`).join('');
}

/**
 * bag-info.txt from label/value pairs (values null are left out). Values must be one line: the
 * caller passes no newlines, and any that slip through become spaces.
 */
export function bagInfoText(fields: readonly (readonly [string, string | number | null])[]): string {
  return fields
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${String(v).replace(/[\r\n]+/g, ' ')}\n`)
    .join('');
}

/** A parsed manifest and what is wrong with its lines. */
export interface ParsedManifest {
  readonly entries: Map<string, string>;
  readonly problems: string[];
}

const MANIFEST_LINE = /^([0-9a-fA-F]{64}) [ *](.+)$/;

/** Why a manifest path may not be used (absolute, `..`, backslash, control characters), or null. */
export function unsafeManifestPath(p: string): string | null {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'is an absolute path';
  if (p.includes('\\')) return 'contains a backslash';
  if (/\p{Cc}/u.test(p)) return 'contains control characters';
  if (p.split('/').some((s) => s === '..' || s === '.' || s === ''))
    return "has an empty, '.' or '..' segment";
  return null;
}

/** Parse a `sha256sum`-style manifest. Percent-encoded CR, LF and '%' (RFC 8493 §2.1.3) are decoded. */
export function parseManifest(text: string): ParsedManifest {
  const entries = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = MANIFEST_LINE.exec(line);
    if (!m) {
      problems.push(`line ${i + 1} is not '<sha256>  <path>'`);
      return;
    }
    const p = (m[2] as string).replace(/%0D|%0A|%25/gi, (s) => decodeURIComponent(s));
    const unsafe = unsafeManifestPath(p);
    if (unsafe) problems.push(`line ${i + 1}: the path ${JSON.stringify(p)} ${unsafe}`);
    else if (entries.has(p)) problems.push(`line ${i + 1}: ${p} is listed twice`);
    else entries.set(p, (m[1] as string).toLowerCase());
  });
  return { entries, problems };
}

/** bag-info.txt as label → value (continuation lines joined; a repeated label keeps the first). */
export function parseBagInfo(text: string): Record<string, string> {
  const info = new Map<string, string>();
  let last: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '') continue;
    if (/^[ \t]/.test(raw) && last !== null) {
      info.set(last, `${info.get(last)} ${raw.trim()}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const label = raw.slice(0, colon).trim();
    last = info.has(label) ? null : label;
    if (last !== null) info.set(label, raw.slice(colon + 1).trim());
  }
  // fromEntries defines own properties, so a label like '__proto__' cannot reach the prototype.
  return Object.fromEntries(info);
}

/** Why bagit.txt is not a BagIt 1.0 declaration in UTF-8, or null when it is. */
export function bagitProblem(text: string): string | null {
  const info = parseBagInfo(text);
  if (!/^1\.\d+$/.test(info['BagIt-Version'] ?? '')) return "it does not declare 'BagIt-Version: 1.0'";
  if ((info['Tag-File-Character-Encoding'] ?? '').toUpperCase() !== 'UTF-8')
    return "it does not declare 'Tag-File-Character-Encoding: UTF-8'";
  return null;
}

/** Payload-Oxum (`<bytes>.<files>`) as numbers, or null when malformed. */
export function parseOxum(value: string | undefined): { bytes: number; files: number } | null {
  const m = /^(\d+)\.(\d+)$/.exec(value ?? '');
  return m ? { bytes: Number(m[1]), files: Number(m[2]) } : null;
}
