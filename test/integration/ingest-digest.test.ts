import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SEAL_TUNING } from '../../agent/ingest/seal-pass.ts';
import { IngestFixture, opensslSha256, SMALL_TUNING } from '../helpers/ingest-fixture.ts';

let fx: IngestFixture;
before(async () => {
  fx = await IngestFixture.create();
});
after(() => fx.close());

describe('seal digests equal openssl and node:crypto', () => {
  const small = SMALL_TUNING.bufferBytes;
  const big = DEFAULT_SEAL_TUNING.bufferBytes;
  const cases: [string, number, typeof SMALL_TUNING][] = [
    ['0 bytes', 0, SMALL_TUNING],
    ['1 byte', 1, SMALL_TUNING],
    ['one buffer - 1', small - 1, SMALL_TUNING],
    ['exactly one buffer', small, SMALL_TUNING],
    ['one buffer + 1', small + 1, SMALL_TUNING],
    ['many buffers and checkpoints, odd size', 5 * small * 4 + 4097, SMALL_TUNING],
    ['one default buffer - 1', big - 1, DEFAULT_SEAL_TUNING],
    ['exactly one default buffer', big, DEFAULT_SEAL_TUNING],
    ['one default buffer + 1', big + 1, DEFAULT_SEAL_TUNING],
  ];
  for (const [name, size, tuning] of cases) {
    it(name, async () => {
      const { file, sha256 } = await fx.sourceFile(`f-${size}.mp4`, size);
      const result = await fx.ingester(tuning).ingest({ source: { path: file }, resumeKey: `k:${size}` });
      assert.equal(result.sha256, sha256);
      assert.equal(result.sha256, opensslSha256(file));
      assert.equal(result.size, size);
      assert.equal(result.duplicate, false);
      assert.equal(opensslSha256(result.vaultPath), sha256);
      const st = await fsp.stat(result.vaultPath);
      assert.equal(st.mode & 0o777, 0o440, 'published files are read-only');
      assert.notEqual(result.verifiedBy, 'buffered', 'verify bypassed the page cache');
    });
  }
});

describe('a sparse file larger than 2 GiB', () => {
  it('seals to the digest openssl computes, with prefix digests along the way', async () => {
    const file = path.join(fx.sourceDir, 'sparse.mp4');
    const size = 2 * 1024 ** 3 + 4097; // crosses the 2^31 boundary
    execFileSync('truncate', ['-s', String(size), file]);
    const handle = await fsp.open(file, 'r+');
    for (const at of [0, 1, 2 ** 31 - 1, 2 ** 31, size - 1])
      await handle.write(Buffer.from([at % 251, 7]), 0, 1, at);
    await handle.close();
    const result = await fx
      .ingester(DEFAULT_SEAL_TUNING)
      .ingest({ source: { path: file }, resumeKey: 'sparse' });
    assert.equal(result.size, size);
    assert.equal(result.sha256, opensslSha256(file));
    assert.ok(result.prefixDigests.length >= 8, `prefix digests: ${result.prefixDigests.length}`);
    assert.deepEqual(
      result.prefixDigests.map((p) => p.offset),
      [...result.prefixDigests.map((p) => p.offset)].sort((a, b) => a - b),
    );
    await fsp.rm(result.vaultPath);
  });
});

describe('identical content', () => {
  it('is recognised and stored once', async () => {
    const { file, sha256 } = await fx.sourceFile('dup-a.mp4', 300_000);
    const copy = path.join(fx.sourceDir, 'dup-b.mp4');
    await fsp.copyFile(file, copy);
    const ingester = fx.ingester();
    const first = await ingester.ingest({ source: { path: file }, resumeKey: 'dup-a' });
    const second = await ingester.ingest({ source: { path: copy }, resumeKey: 'dup-b' });
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.equal(second.vaultPath, first.vaultPath);
    assert.equal(fx.sealedFiles().filter((f) => f.endsWith(sha256)).length, 1);
    assert.deepEqual(await fsp.readdir(fx.paths.stagingDir), [], 'no staged leftovers');
  });
});

describe('concurrent ingests', () => {
  it('of two files keep both correct', async () => {
    const a = await fx.sourceFile('conc-a.mp4', 3_000_001);
    const b = await fx.sourceFile('conc-b.mp4', 2_500_003);
    const ingester = fx.ingester();
    const [ra, rb] = await Promise.all([
      ingester.ingest({ source: { path: a.file }, resumeKey: 'conc-a' }),
      ingester.ingest({ source: { path: b.file }, resumeKey: 'conc-b' }),
    ]);
    assert.equal(ra.sha256, a.sha256);
    assert.equal(rb.sha256, b.sha256);
    assert.equal(opensslSha256(ra.vaultPath), a.sha256);
    assert.equal(opensslSha256(rb.vaultPath), b.sha256);
  });

  it('a batch from one recorder seals every file, verifying one while the next copies', async () => {
    const files = await Promise.all(
      [1, 2, 3, 4].map((i) => fx.sourceFile(`batch-${i}.mp4`, 400_000 * i + i)),
    );
    const ingester = fx.ingester();
    const phases: string[] = [];
    ingester.onProgress((p) => phases.push(`${p.phase}:${path.basename(p.sourcePath)}`));
    const settled = await ingester.ingestAll(
      files.map((f, i) => ({ source: { path: f.file }, resumeKey: `batch-${i}` })),
    );
    assert.deepEqual(
      settled.map((s) => (s.ok ? s.result.sha256 : s.error.message)),
      files.map((f) => f.sha256),
    );
    assert.ok(phases.includes('verify:batch-1.mp4') && phases.includes('copy:batch-4.mp4'));
  });
});
