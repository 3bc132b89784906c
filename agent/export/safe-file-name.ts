/**
 * File names inside an export package. Source names come from recorders and are hostile (R5 keeps
 * them in the seal as they were; the package only needs a harmless name to store the bytes under):
 * path separators, `..`, control and bidi characters, names of hundreds of bytes, mojibake.
 */

/** Longest file name written, in UTF-8 bytes (ext4 and most others allow 255). */
export const MAX_NAME_BYTES = 150;
const MAX_SEGMENT_CHARS = 64;
const CLIP_PREFIX_CHARS = 12;

/** Letters, digits and a few punctuation marks are kept; everything else becomes '_'. */
const UNSAFE_CHAR = /[^\p{L}\p{N}._+()-]/gu;

function cleaned(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, '_')
    .replace(UNSAFE_CHAR, '_')
    .replace(/_{2,}/g, '_');
}

function trimEnds(text: string): string {
  // No leading dots (hidden files, '.', '..'), no trailing dots or underscores (Windows strips dots).
  return text.replace(/^[._]+/, '').replace(/[._]+$/, '');
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break;
    out += ch;
  }
  return out;
}

/** The last path segment of a recorder's source path, whichever separator the recorder used. */
function baseName(sourcePath: string): string {
  return (
    sourcePath
      .split(/[/\\]/)
      .filter((s) => s !== '')
      .at(-1) ?? ''
  );
}

/**
 * A safe, bounded folder name (for a recorder serial): ASCII letters, digits, '.', '_', '-';
 * never empty, never starting with a dot.
 */
export function safePathSegment(text: string, fallback = 'unknown'): string {
  const ascii = trimEnds(text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/_{2,}/g, '_'));
  const bounded = trimEnds(ascii.slice(0, MAX_SEGMENT_CHARS));
  return bounded === '' ? fallback : bounded;
}

/**
 * The package file name of a clip: the first 12 hex digits of its id, '_', the sanitized base name
 * of its source path (extension kept when it is short and plain). Unique within `taken` (which it
 * extends): a collision falls back to the whole clip id.
 */
export function safeClipFileName(clipId: string, sourcePath: string, taken: Set<string>): string {
  const idPart = safePathSegment(clipId, 'clip');
  const base = cleaned(baseName(sourcePath));
  const dot = base.lastIndexOf('.');
  const rawExt = dot > 0 ? base.slice(dot + 1) : '';
  const ext = /^[A-Za-z0-9]{1,8}$/.test(rawExt) ? `.${rawExt}` : '';
  const stem = trimEnds(ext ? base.slice(0, dot) : base);
  for (const prefix of [idPart.slice(0, CLIP_PREFIX_CHARS), idPart]) {
    const head = `${prefix}_`;
    const room = MAX_NAME_BYTES - Buffer.byteLength(head + ext, 'utf8');
    const shortStem = trimEnds(truncateBytes(stem, Math.max(0, room)));
    const name = shortStem === '' ? `${prefix}${ext}` : `${head}${shortStem}${ext}`;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
  // Same clip id twice: the caller de-duplicates ids, so this is a bug, not hostile input.
  throw new Error(`clip ${clipId} appears twice in one export`);
}
