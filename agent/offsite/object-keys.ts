import { isSha256Hex, vaultRelPathFor } from '../ledger/vault-path.ts';

/** Where the WORM probe writes its canaries. */
export const PROBE_PREFIX = 'probe/';

/**
 * The object key of a sealed file: `sha256/<2 hex>/<64 hex>`, the vault's own layout. It follows
 * from the digest alone, so copying the same content twice finds the first copy and writes no other.
 */
export function footageKey(sha256: string): string {
  return vaultRelPathFor(sha256);
}

/** The key of a clip's label object (R4 一式两份: unit, maker, time, case), beside its footage. */
export function labelKey(sha256: string): string {
  if (!isSha256Hex(sha256)) throw new Error(`'${sha256}' is not a SHA-256 digest in lowercase hex`);
  return `labels/${sha256.slice(0, 2)}/${sha256}.json`;
}
