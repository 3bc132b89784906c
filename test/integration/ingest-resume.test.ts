import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readResumeState } from '../../agent/ingest/resume-state.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { SourceGoneError, SourceReadError } from '../../drivers/contract/errors.ts';
import { simSourceSpec } from '../../drivers/sim/sim-source.ts';
import { IngestFixture, SMALL_TUNING, seededRandom } from '../helpers/ingest-fixture.ts';

let fx: IngestFixture;
before(async () => {
  fx = await IngestFixture.create();
});
after(() => fx.close());

const SIZE = 3 * 1024 * 1024 + 12_345;

describe('resume after a yank', () => {
  const random = seededRandom(20261122);
  const offsets = [
    1,
    SMALL_TUNING.bufferBytes,
    SMALL_TUNING.checkpointBytes + 1,
    ...[0, 1, 2, 3, 4].map(() => Math.floor(random() * SIZE)),
  ];
  for (const failAt of offsets) {
    it(`at byte ${failAt} gives the same seal as a clean run`, async () => {
      const { file, sha256 } = await fx.sourceFile(`yank-${failAt}.mp4`, SIZE);
      const resumeKey = `SN-SIM:${file}`;
      const ingester = fx.ingester();
      const first = ingester.ingest({
        source: simSourceSpec(file, { failAtByte: failAt, errorCode: 'ENODEV' }),
        resumeKey,
      });
      await assert.rejects(first, (err) => err instanceof SourceGoneError && err.position >= 0);
      assert.equal(
        fx.sealedFiles().some((f) => f.endsWith(sha256)),
        false,
        'nothing sealed after a yank',
      );
      const { statePath } = new VaultLayout(fx.paths).stagingFor(resumeKey);
      const state = await readResumeState(statePath);
      assert.ok(state, 'resume state kept');
      assert.ok(state.offset <= failAt, `kept ${state.offset} ≤ failed at ${failAt}`);

      const second = await ingester.ingest({ source: { path: file }, resumeKey });
      assert.equal(second.sha256, sha256);
      assert.equal(second.resumedFrom, state.offset);
      assert.equal(second.resumedFrom, state.prefixDigests.at(-1)?.offset ?? 0);
      await assert.rejects(fsp.stat(statePath), { code: 'ENOENT' });
    });
  }
});

describe('a kept part that no longer matches', () => {
  it('is trusted only up to the last prefix digest it still reproduces', async () => {
    const { file, sha256 } = await fx.sourceFile('tampered.mp4', SIZE);
    const resumeKey = `SN-SIM:${file}`;
    const ingester = fx.ingester();
    const failAt = 5 * SMALL_TUNING.checkpointBytes + 1000;
    await assert.rejects(
      ingester.ingest({
        source: simSourceSpec(file, { failAtByte: failAt, errorCode: 'ENODEV' }),
        resumeKey,
      }),
      SourceGoneError,
    );
    const { stagedPath, statePath } = new VaultLayout(fx.paths).stagingFor(resumeKey);
    const state = await readResumeState(statePath);
    assert.ok(state && state.prefixDigests.length >= 5);
    // Flip one byte inside the third checkpoint interval of the kept part.
    const at = 2 * SMALL_TUNING.checkpointBytes + 17;
    const handle = await fsp.open(stagedPath, 'r+');
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, at);
    one[0] = (one[0] as number) ^ 0xff;
    await handle.write(one, 0, 1, at);
    await handle.close();

    const result = await ingester.ingest({ source: { path: file }, resumeKey });
    assert.equal(result.sha256, sha256, 'the damaged bytes were copied again from the recorder');
    assert.equal(result.resumedFrom, 2 * SMALL_TUNING.checkpointBytes);
  });

  it('is discarded when the source file changed', async () => {
    const { file } = await fx.sourceFile('changed.mp4', SIZE);
    const resumeKey = `SN-SIM:${file}`;
    const ingester = fx.ingester();
    await assert.rejects(
      ingester.ingest({
        source: simSourceSpec(file, { failAtByte: Math.floor(SIZE / 2), errorCode: 'ENODEV' }),
        resumeKey,
      }),
      SourceGoneError,
    );
    const replaced = await fx.sourceFile('changed.mp4', SIZE); // same name and size, new bytes and mtime
    await fsp.utimes(file, new Date(), new Date(Date.now() + 5000));
    const result = await ingester.ingest({ source: { path: file }, resumeKey });
    assert.equal(result.resumedFrom, 0);
    assert.equal(result.sha256, replaced.sha256);
  });
});

describe('a batch from a recorder that is pulled', () => {
  it('stops at the yank, keeps what was sealed, and resumes the rest on the next dock', async () => {
    const files = await Promise.all([1, 2, 3].map((i) => fx.sourceFile(`pull-${i}.mp4`, 700_000 + i)));
    const keys = files.map((f) => `SN-PULL:${f.file}`);
    const ingester = fx.ingester();
    const firstDock = await ingester.ingestAll([
      { source: { path: files[0]!.file }, resumeKey: keys[0]! },
      {
        source: simSourceSpec(files[1]!.file, { failAtByte: 300_000, errorCode: 'ENODEV' }),
        resumeKey: keys[1]!,
      },
      { source: { path: files[2]!.file }, resumeKey: keys[2]! },
    ]);
    assert.deepEqual(
      firstDock.map((s) => s.ok),
      [true, false, false],
    );
    assert.ok(
      !firstDock[2]!.ok && firstDock[2]!.error instanceof SourceGoneError,
      'the rest is not attempted',
    );
    const secondDock = await ingester.ingestAll(
      files.map((f, i) => ({ source: { path: f.file }, resumeKey: keys[i]! })),
    );
    assert.deepEqual(
      secondDock.map((s) => (s.ok ? s.result.sha256 : null)),
      files.map((f) => f.sha256),
    );
    assert.equal(secondDock[0]!.ok && secondDock[0]!.result.duplicate, true);
    assert.ok(secondDock[1]!.ok && secondDock[1]!.result.resumedFrom > 0);
  });
});

describe('a bad sector in one file (EIO)', () => {
  it('fails that file only: the next files are sealed, and the failed one resumes from its kept part', async () => {
    const files = await Promise.all([1, 2, 3].map((i) => fx.sourceFile(`sector-${i}.mp4`, 700_000 + i)));
    const keys = files.map((f) => `SN-SECTOR:${f.file}`);
    const ingester = fx.ingester();
    const dock = await ingester.ingestAll([
      { source: { path: files[0]!.file }, resumeKey: keys[0]! },
      {
        source: simSourceSpec(files[1]!.file, { failAtByte: 300_000, errorCode: 'EIO' }),
        resumeKey: keys[1]!,
      },
      { source: { path: files[2]!.file }, resumeKey: keys[2]! },
    ]);
    assert.deepEqual(
      dock.map((s) => s.ok),
      [true, false, true],
      'the file after the bad sector is still copied and sealed',
    );
    assert.ok(!dock[1]!.ok && dock[1]!.error instanceof SourceReadError, 'a read error, not a yank');
    assert.equal(dock[2]!.ok && dock[2]!.result.sha256, files[2]!.sha256);
    const again = await ingester.ingest({ source: { path: files[1]!.file }, resumeKey: keys[1]! });
    assert.equal(again.sha256, files[1]!.sha256);
    assert.ok(again.resumedFrom > 0, 'the bytes before the bad sector were kept');
  });
});
