import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BandwidthLimit } from './bandwidth-limit.ts';
import { isNotFound, type ObjectVersion, type OffsiteStore } from './offsite-store.ts';

/** What reading a copy back showed: 'ok' only when every byte hashes to the seal. */
export type ReadBackResult = 'ok' | 'mismatch' | 'missing';

/** The outcome of one read-back. */
export interface ReadBack {
  readonly result: ReadBackResult;
  /** What the bytes read hash to (null when there were none). */
  readonly actualSha256: string | null;
  readonly bytes: number;
}

/** SHA-256 and length of a stream, throttled by `limit` when given. */
export async function hashStream(
  body: Readable,
  limit?: BandwidthLimit,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (limit) await limit.take(buf.length);
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Read a stored version back and hash it against the seal. The store's own checksum or ETag is
 * never taken as proof: some stores accept a wrong checksum and return none (OBJECT-STORE.md).
 */
export async function readBack(
  store: OffsiteStore,
  version: ObjectVersion,
  seal: { readonly sha256: string; readonly size: number },
  limit?: BandwidthLimit,
  signal?: AbortSignal,
): Promise<ReadBack> {
  let body: Readable;
  try {
    body = await store.read(version, undefined, signal);
  } catch (err) {
    if (isNotFound(err)) return { result: 'missing', actualSha256: null, bytes: 0 };
    throw err;
  }
  const { sha256, bytes } = await hashStream(body, limit);
  const same = sha256 === seal.sha256 && bytes === seal.size;
  return { result: same ? 'ok' : 'mismatch', actualSha256: sha256, bytes };
}
