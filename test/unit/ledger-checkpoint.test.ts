import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Checkpoint,
  checkpointSignatureValid,
  checkpointSigningBytes,
  parseCheckpoint,
  signCheckpoint,
} from '../../agent/ledger/checkpoint.ts';
import { keyIdOf } from '../../agent/ledger/dock-key.ts';
import { CheckpointFormatError } from '../../agent/ledger/errors.ts';

function keyPair() {
  return generateKeyPairSync('ed25519');
}

function claim(key: ReturnType<typeof keyPair>) {
  return {
    v: 1 as const,
    dock: 'dock-1',
    seq: 42,
    head: 'a'.repeat(64),
    at: '2025-03-01T08:00:00.000Z',
    key: keyIdOf(key.publicKey),
  };
}

describe('checkpoint signing', () => {
  it('signs the prefix followed by the canonical claim, without sig', () => {
    const k = keyPair();
    const bytes = checkpointSigningBytes(claim(k)).toString('utf8');
    assert.equal(
      bytes,
      `recorder-dock/checkpoint/v1\n{"at":"2025-03-01T08:00:00.000Z","dock":"dock-1","head":"${'a'.repeat(64)}","key":"${keyIdOf(k.publicKey)}","seq":42,"v":1}`,
    );
  });

  it('verifies with the signing key and fails with another key', () => {
    const k = keyPair();
    const cp = signCheckpoint(claim(k), k.privateKey);
    assert.equal(checkpointSignatureValid(cp, k.publicKey), true);
    assert.equal(checkpointSignatureValid(cp, keyPair().publicKey), false);
  });

  it('fails when any signed field is changed', () => {
    const k = keyPair();
    const cp = signCheckpoint(claim(k), k.privateKey);
    const changes: Partial<Checkpoint>[] = [
      { seq: 43 },
      { head: 'b'.repeat(64) },
      { at: '2025-03-01T08:00:00.001Z' },
      { dock: 'dock-2' },
    ];
    for (const change of changes) {
      assert.equal(
        checkpointSignatureValid({ ...cp, ...change }, k.publicKey),
        false,
        JSON.stringify(change),
      );
    }
    assert.equal(checkpointSignatureValid({ ...cp, sig: 'garbage' }, k.publicKey), false);
  });
});

describe('parseCheckpoint', () => {
  it('accepts a well-formed document', () => {
    const k = keyPair();
    const cp = signCheckpoint(claim(k), k.privateKey);
    assert.deepEqual(parseCheckpoint(JSON.stringify(cp), 'cp.json'), cp);
  });

  it('names every problem of a malformed document', () => {
    const err = (() => {
      try {
        parseCheckpoint(
          JSON.stringify({ v: 2, dock: '', seq: 0, head: 'xyz', at: 'yesterday', key: 1 }),
          'cp.json',
        );
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof CheckpointFormatError);
    for (const word of ['v must', 'dock must', 'seq must', 'head must', 'at must', 'key must', 'sig must']) {
      assert.match(err.message, new RegExp(word));
    }
    assert.throws(() => parseCheckpoint('{not json', 'cp.json'), /not JSON/);
    assert.throws(() => parseCheckpoint('[]', 'cp.json'), /not an object/);
  });
});
