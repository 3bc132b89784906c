import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedgerInputError } from '../../agent/ledger/errors.ts';
import { isSha256Hex, vaultPathFor, vaultRelPathFor } from '../../agent/ledger/vault-path.ts';

describe('vault path', () => {
  const digest = `ab${'0'.repeat(61)}f`;

  it('derives <vaultDir>/sha256/<first 2 hex>/<digest> from the seal', () => {
    assert.equal(
      vaultPathFor('/var/lib/recorder-dock/vault', digest),
      `/var/lib/recorder-dock/vault/sha256/ab/${digest}`,
    );
    assert.equal(vaultRelPathFor(digest), `sha256/ab/${digest}`);
  });

  it('refuses anything that is not a lowercase 64-hex digest', () => {
    for (const bad of [digest.toUpperCase(), digest.slice(1), `../${digest.slice(3)}`, `${digest}0`]) {
      assert.equal(isSha256Hex(bad), false);
      assert.throws(() => vaultPathFor('/v', bad), LedgerInputError);
    }
  });
});
