import type { IncomingMessage } from 'node:http';
import { BadRequestError, BodyTooLargeError } from './web-errors.ts';

/** The largest form the page accepts. */
export const MAX_FORM_BYTES = 64 * 1024;

/** A request target split into its path segments (still percent-encoded) and its query. */
export interface RequestTarget {
  readonly path: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

/**
 * Split a request target. Only origin-form targets (`/a/b?c`) are accepted; a segment that is
 * `.` or `..` in any spelling, or holds NUL or a backslash, is refused rather than resolved.
 */
export function parseTarget(rawUrl: string | undefined): RequestTarget {
  const raw = rawUrl ?? '';
  if (!raw.startsWith('/') || raw.startsWith('//'))
    throw new BadRequestError('the address is not a page of this dock');
  const hash = raw.indexOf('#');
  const noHash = hash >= 0 ? raw.slice(0, hash) : raw;
  const q = noHash.indexOf('?');
  const path = q >= 0 ? noHash.slice(0, q) : noHash;
  const query = new URLSearchParams(q >= 0 ? noHash.slice(q + 1) : '');
  const segments = path.split('/').slice(1);
  for (const s of segments) decodeSegment(s);
  return { path, segments, query };
}

/** Decode one path segment; refuses traversal, separators, control characters and bad encodings. */
export function decodeSegment(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new BadRequestError('the address is malformed: go back and choose from the page');
  }
  if (
    decoded === '.' ||
    decoded === '..' ||
    /[\p{Cc}/\\]/u.test(decoded) ||
    (decoded !== segment && /%/.test(decoded))
  ) {
    throw new BadRequestError('the address is malformed: go back and choose from the page');
  }
  return decoded;
}

/** Cookies of a request, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** Read an `application/x-www-form-urlencoded` body of at most `limit` bytes. */
export async function readForm(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  if (size === 0) return new URLSearchParams();
  if (type !== 'application/x-www-form-urlencoded')
    throw new BadRequestError('the form was not sent as a web form: use the buttons of the page');
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Whether a state-changing request may come from where it says it comes from: an `Origin` header,
 * when present, must be this server's own origin; `Sec-Fetch-Site` must not say another site.
 */
export function sameOriginRequest(req: IncomingMessage, secure: boolean): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `${secure ? 'https' : 'http'}://${host}`;
}

/** A local path to return to after login: only `/…` paths of this site, else `/`. */
export function safeNextPath(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || /[\\\p{Cc}]/u.test(value)) return '/';
  try {
    parseTarget(value);
  } catch {
    return '/';
  }
  return value;
}

/** A trimmed form or query field; '' when absent. */
export function field(params: URLSearchParams, name: string, maxLength = 2000): string {
  const v = (params.get(name) ?? '').trim();
  if (v.length > maxLength)
    throw new BadRequestError(`the field ${name} is longer than ${maxLength} characters`);
  return v;
}

/** A trimmed field, or null when empty. */
export function optionalField(params: URLSearchParams, name: string, maxLength = 2000): string | null {
  const v = field(params, name, maxLength);
  return v === '' ? null : v;
}
