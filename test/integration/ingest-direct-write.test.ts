import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { SealOutcome, SealTuning } from '../../agent/ingest/seal-pass.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { simSourceSpec } from '../../drivers/sim/sim-source.ts';
import { IngestFixture, opensslSha256, SMALL_TUNING } from '../helpers/ingest-fixture.ts';

// The staged copy is written with O_DIRECT on a disk file system (the temp dir is one in CI and on
// the dock); these tests check the bytes, the mode actually used, and that the copy does not stay
// in the page cache.
let fx: IngestFixture;
before(async () => {
  fx = await IngestFixture.create();
});
after(() => fx.close());

const KiB = 1024;
const sizes = [1, 4095, 4096, 4097, 64 * KiB - 1, 64 * KiB + 1, 3 * 64 * KiB + 4097, 1024 * KiB + 7];

async function seal(
  file: string,
  key: string,
  tuning: SealTuning,
  failAtByte?: number,
): Promise<SealOutcome> {
  const { stagedPath, statePath } = new VaultLayout(fx.paths).stagingFor(key);
  await new VaultLayout(fx.paths).ensureDirs();
  const source =
    failAtByte === undefined ? { path: file } : simSourceSpec(file, { failAtByte, errorCode: 'ENODEV' });
  return fx.pool.run<SealOutcome>({
    kind: 'seal',
    job: { source, resumeKey: key, stagedPath, statePath, tuning },
  });
}

function cachedBytes(file: string): number {
  return Number(
    execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], {
      encoding: 'utf8',
    }).trim(),
  );
}

describe('the staged copy written with O_DIRECT', () => {
  for (const size of sizes) {
    it(`${size} bytes: the digest equals openssl's and the mode is o-direct`, async () => {
      const { file, sha256 } = await fx.sourceFile(`direct-${size}.mp4`, size);
      const outcome = await seal(file, `direct:${size}`, SMALL_TUNING);
      assert.equal(outcome.sha256, sha256);
      assert.equal(outcome.size, size);
      assert.equal(outcome.writeMode, 'o-direct');
      const { stagedPath } = new VaultLayout(fx.paths).stagingFor(`direct:${size}`);
      assert.equal(opensslSha256(stagedPath), sha256, 'the bytes on disk are the source bytes');
    });
  }

  it('resumes from an odd offset and writes on with O_DIRECT', async () => {
    const size = 1024 * KiB + 12_345;
    const { file, sha256 } = await fx.sourceFile('odd-resume.mp4', size);
    await assert.rejects(seal(file, 'odd', SMALL_TUNING, 300_001));
    const outcome = await seal(file, 'odd', SMALL_TUNING);
    assert.equal(outcome.resumedFrom, 300_001, 'resumed where the yank stopped it');
    assert.equal(outcome.sha256, sha256);
    assert.equal(outcome.writeMode, 'o-direct');
  });

  it('leaves almost nothing of a sealed copy in the page cache, in either mode', async () => {
    const size = 8 * 1024 * KiB;
    const { file, sha256 } = await fx.sourceFile('cache.mp4', size);
    for (const directWrites of [true, false]) {
      const key = `cache:${directWrites}`;
      const outcome = await seal(file, key, { ...SMALL_TUNING, directWrites });
      assert.equal(outcome.sha256, sha256);
      assert.equal(outcome.writeMode, directWrites ? 'o-direct' : 'buffered');
      const cached = cachedBytes(new VaultLayout(fx.paths).stagingFor(key).stagedPath);
      assert.ok(cached <= 64 * KiB, `${cached} bytes of an ${size}-byte copy still cached`);
    }
  });
});
