import path from 'node:path';
import { LedgerInputError } from './errors.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True when `s` is a SHA-256 digest in lowercase hex. */
export function isSha256Hex(s: string): boolean {
  return SHA256_HEX.test(s);
}

/**
 * Where a sealed file lives inside the vault, relative to the vault folder:
 * `sha256/<first 2 hex>/<64 hex>`. Derived from the seal, never the other way round.
 */
export function vaultRelPathFor(sha256: string): string {
  if (!isSha256Hex(sha256))
    throw new LedgerInputError(`the digest '${sha256}' is not 64 lowercase hex digits`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Absolute path of the vault file holding content with this SHA-256 (the ingest core's layout). */
export function vaultPathFor(vaultDir: string, sha256: string): string {
  return path.join(vaultDir, ...vaultRelPathFor(sha256).split('/'));
}
