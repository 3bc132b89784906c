import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CanonicalEncodingError, canonicalJson, isCanonicalJson } from '../../agent/ledger/canonical-json.ts';
import { chainHash, GENESIS_PREV_HASH } from '../../agent/ledger/event-chain.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code units, not by locale', () => {
    assert.equal(canonicalJson({ b: 0, B: 0, a: 0, _: 0, é: 0 }), '{"B":0,"_":0,"a":0,"b":0,"é":0}');
  });

  it('escapes strings exactly as JSON.stringify does and keeps other characters as UTF-8', () => {
    const s = 'quote" back\\ nl\n tab\t bell\u0007 del\u007f 执法记录仪 lone\ud800 /slash';
    const out = canonicalJson(s);
    assert.equal(out, '"quote\\" back\\\\ nl\\n tab\\t bell\\u0007 del\u007f 执法记录仪 lone\\ud800 /slash"');
    assert.equal(Buffer.from(canonicalJson('执'), 'utf8').toString('hex'), '22e689a722');
  });

  it('writes integers in plain decimal and -0 as 0', () => {
    assert.equal(canonicalJson([0, -0, 42, -7, Number.MAX_SAFE_INTEGER]), '[0,0,42,-7,9007199254740991]');
  });

  it('rejects values without a canonical form', () => {
    for (const bad of [
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 53,
      undefined,
      { a: undefined },
      new Date(0),
      10n,
    ]) {
      assert.throws(() => canonicalJson(bad), CanonicalEncodingError, `should reject ${String(bad)}`);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /cycle/);
  });

  it('is byte-stable: a fixed event encodes and chain-hashes to frozen values', () => {
    const event = {
      v: 1,
      seq: 2,
      type: 'officer.registered',
      at: '2025-03-01T08:00:00.000Z',
      dock: 'dock-1',
      data: { officerNo: '310001', name: '张三', unit: null, certNo: 'ZF-001' },
    };
    const body = canonicalJson(event);
    assert.equal(
      body,
      '{"at":"2025-03-01T08:00:00.000Z","data":{"certNo":"ZF-001","name":"张三","officerNo":"310001","unit":null},"dock":"dock-1","seq":2,"type":"officer.registered","v":1}',
    );
    // Frozen values (cross-checked with Python's hashlib): a change here breaks every stored chain.
    assert.equal(
      createHash('sha256').update(body, 'utf8').digest('hex'),
      '4adf965b1ceffb5f6fb7377ec28d5d67c68e4b9b448d35ce4e7a75ccecace85f',
    );
    assert.equal(
      chainHash(GENESIS_PREV_HASH, body),
      '6f962cfcab5a760beb1aca6b3ba0d72025bfd6148c9e55c1624300f840e8593b',
    );
    assert.equal(
      chainHash('ab'.repeat(32), body),
      'da148a56e6bbd8e96633bf6c2829f3b347c33fd86730e413d99381a7dbd2b5e0',
    );
  });

  it('recognises canonical text and rejects reformatted or reordered text', () => {
    assert.equal(isCanonicalJson('{"a":1,"b":[2]}'), true);
    assert.equal(isCanonicalJson('{"b":[2],"a":1}'), false);
    assert.equal(isCanonicalJson('{"a": 1}'), false);
    assert.equal(isCanonicalJson('{"a":1,"a":2}'), false);
    assert.equal(isCanonicalJson('{"a":1.0}'), false);
    assert.equal(isCanonicalJson('not json'), false);
  });
});
