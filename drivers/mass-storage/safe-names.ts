import type { SkipReason } from '../contract/ports.ts';

/** Limits on what a recorder volume may present. */
export interface NameLimits {
  /** Longest name component in bytes (FAT long names fit in 255). */
  readonly maxNameBytes: number;
  /** Longest relative path in bytes. */
  readonly maxPathBytes: number;
}

/** Defaults: what FAT32/exFAT can hold, and not more. */
export const DEFAULT_NAME_LIMITS: NameLimits = { maxNameBytes: 255, maxPathBytes: 1024 };

/** C0, DEL, C1, and the bidirectional overrides that can disguise an extension. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A name from a directory listing: accepted as text, or refused with a reason. */
export type NameCheck =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly reason: SkipReason; readonly shown: string };

/** The name with control characters escaped, for reports and logs. */
export function showName(name: string): string {
  return name.replace(
    new RegExp(CONTROL.source, 'gu'),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** Check one name component given as text (from a path argument). */
export function checkNameText(name: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameCheck {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || CONTROL.test(name)) {
    return { ok: false, reason: 'unsafe-name', shown: showName(name) };
  }
  if (Buffer.byteLength(name, 'utf8') > limits.maxNameBytes) {
    return { ok: false, reason: 'name-too-long', shown: `${showName(name.slice(0, 40))}…` };
  }
  return { ok: true, name };
}

/** Check one raw name from readdir: valid UTF-8 first, then the text rules. */
export function checkNameBytes(raw: Uint8Array, limits: NameLimits = DEFAULT_NAME_LIMITS): NameCheck {
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    return {
      ok: false,
      reason: 'bad-encoding',
      shown: Buffer.from(raw)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '?'),
    };
  }
  return checkNameText(name, limits);
}

/**
 * Split a relative path handed to openFile/deleteFile into checked components. Returns the
 * components, or a reason when the path is absolute, empty, escapes with `..`, or breaks a rule.
 */
export function splitRelativePath(
  relPath: string,
  limits: NameLimits = DEFAULT_NAME_LIMITS,
): { ok: true; parts: string[] } | { ok: false; reason: string } {
  if (relPath.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (Buffer.byteLength(relPath, 'utf8') > limits.maxPathBytes) return { ok: false, reason: 'path too long' };
  const parts = relPath.split('/');
  for (const part of parts) {
    const check = checkNameText(part, limits);
    if (!check.ok) return { ok: false, reason: `${check.reason} component ${JSON.stringify(check.shown)}` };
  }
  return { ok: true, parts };
}
