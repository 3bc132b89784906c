import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ChecksumMismatchError,
  DestinationFullError,
  DestinationPermissionError,
} from '../../agent/ingest/errors.ts';
import type { IngestTaskRequest, IngestTaskRunner } from '../../agent/ingest/worker-pool.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { SourceMissingError } from '../../drivers/contract/errors.ts';
import { simSourceSpec } from '../../drivers/sim/sim-source.ts';
import { IngestFixture } from '../helpers/ingest-fixture.ts';

let fx: IngestFixture;
const mounts: string[] = [];

before(async () => {
  assert.equal(
    process.getuid?.(),
    0,
    'these tests mount small tmpfs file systems and need root (CI runs as root)',
  );
  fx = await IngestFixture.create();
});
after(async () => {
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  await fx.close();
});

async function tmpfs(name: string, options: string): Promise<string> {
  const dir = path.join(fx.root, name);
  await fsp.mkdir(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe('a full vault (ENOSPC)', () => {
  it('publishes nothing, leaves no partial file, and says what to do', async () => {
    const small = await tmpfs('small', 'size=2m');
    const paths = pathsUnder(small);
    const fits = await fx.sourceFile('fits.mp4', 300_000);
    const tooBig = await fx.sourceFile('too-big.mp4', 3 * 1024 * 1024);
    const settled = await fx.ingester(undefined, fx.pool, paths).ingestAll([
      { source: { path: fits.file }, resumeKey: 'fits' },
      { source: { path: tooBig.file }, resumeKey: 'too-big' },
    ]);
    assert.equal(settled[0]?.ok, true);
    const failed = settled[1];
    assert.ok(failed && !failed.ok && failed.error instanceof DestinationFullError, 'typed error');
    assert.match(failed.error.message, /vault is full.*too-big\.mp4.*free space/);
    assert.deepEqual(
      fx.sealedFiles(paths).map((f) => path.basename(f)),
      [fits.sha256],
      'only the file that fit',
    );
    assert.deepEqual(await fsp.readdir(paths.stagingDir), [], 'the staged part was removed');
  });
});

describe('a corrupted byte in the copy', () => {
  it('is caught by verify; the copy is quarantined, never published', async () => {
    const { file, sha256 } = await fx.sourceFile('rot.mp4', 1_000_000);
    const corrupting: IngestTaskRunner = {
      async run<T>(request: IngestTaskRequest, onProgress?: (d: number, t: number) => void): Promise<T> {
        if (request.kind === 'verify') {
          const handle = await fsp.open(request.file, 'r+'); // root may write a 0440 file
          await handle.write(Buffer.from([0x5a]), 0, 1, 123_456);
          await handle.close();
        }
        return fx.pool.run<T>(request, onProgress);
      },
    };
    const ingest = fx.ingester(undefined, corrupting).ingest({ source: { path: file }, resumeKey: 'rot' });
    await assert.rejects(ingest, (err) => {
      assert.ok(err instanceof ChecksumMismatchError);
      assert.equal(err.expected, sha256);
      assert.notEqual(err.actual, sha256);
      return true;
    });
    assert.equal(
      fx.sealedFiles().some((f) => f.endsWith(sha256)),
      false,
    );
    assert.equal((await fsp.readdir(fx.paths.quarantineDir)).length, 1);
  });
});

describe('a vault that cannot be written', () => {
  it('gives a permission error naming the place, and publishes nothing', async () => {
    const ro = await tmpfs('ro', 'size=4m');
    const paths = pathsUnder(ro);
    await fsp.mkdir(paths.stagingDir, { recursive: true });
    await fsp.mkdir(paths.quarantineDir, { recursive: true });
    execFileSync('mount', ['-o', 'remount,ro', ro]);
    const { file } = await fx.sourceFile('ro.mp4', 10_000);
    await assert.rejects(
      fx.ingester(undefined, fx.pool, paths).ingest({ source: { path: file }, resumeKey: 'ro' }),
      (err) =>
        err instanceof DestinationPermissionError && /permission denied|cannot write/.test(err.message),
    );
  });
});

describe('a file missing from the listing', () => {
  it('fails alone; the other files of the batch are sealed', async () => {
    const a = await fx.sourceFile('here.mp4', 50_000);
    const settled = await fx.ingester().ingestAll([
      { source: { path: path.join(fx.sourceDir, 'gone.mp4') }, resumeKey: 'gone' },
      { source: { path: a.file }, resumeKey: 'here' },
    ]);
    assert.ok(!settled[0]?.ok && settled[0]?.error instanceof SourceMissingError);
    assert.ok(settled[1]?.ok && settled[1].result.sha256 === a.sha256);
  });

  it('a non-integer fault position is refused, not passed to the kernel', async () => {
    const { file } = await fx.sourceFile('spec.mp4', 10);
    await assert.rejects(
      fx.ingester().ingest({
        source: simSourceSpec(file, { failAtByte: 2.5, errorCode: 'EIO' }),
        resumeKey: 'spec',
      }),
      /failAtByte must be a whole number/,
    );
  });
});
