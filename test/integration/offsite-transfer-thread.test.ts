import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { footageKey } from '../../agent/offsite/object-keys.ts';
import { CopyPausedError } from '../../agent/offsite/object-writer.ts';
import { isNotFound } from '../../agent/offsite/offsite-store.ts';
import type { TransferThreadSetup } from '../../agent/offsite/transfer-messages.ts';
import { ThreadTransfers } from '../../agent/offsite/transfer-thread.ts';
import { tempState } from '../fixtures/ledger/ledger-fixture.ts';

const MiB = 1024 * 1024;

/** A file of random bytes and its seal. */
async function footage(dir: string, name: string, size: number) {
  const file = path.join(dir, name);
  const bytes = randomBytes(size);
  await fsp.writeFile(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { file, sha256, size, key: footageKey(sha256) };
}

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  return { logger, lines };
}

function setup(dir: string, extra: Partial<TransferThreadSetup> = {}): TransferThreadSetup {
  return {
    target: { type: 'folder', dir: path.join(dir, 'store') },
    journalDir: path.join(dir, 'uploads'),
    bytesPerSecond: 0,
    multipartThreshold: 8 * MiB,
    partSize: 5 * MiB,
    partConcurrency: 2,
    windows: [],
    timeZone: 'Asia/Shanghai',
    logLevel: 'info',
    ...extra,
  };
}

/** Bytes under `dir`, read synchronously (while the main thread is held). */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

describe('off-site transfers on their own thread (as dockd runs them)', () => {
  it('writes in parts and reads back on another thread, reporting every byte sent', async () => {
    const { dir, cleanup } = tempState('xfer-thread-');
    let sent = 0;
    const t = new ThreadTransfers(setup(dir), {
      logger: pino({ level: 'silent' }),
      onBytes: (n) => {
        sent += n;
      },
    });
    try {
      const warm = await footage(dir, 'warm.mp4', 4000);
      await t.write({ sha256: warm.sha256, key: warm.key, file: warm.file, size: warm.size });
      const clip = await footage(dir, 'clip.mp4', 64 * MiB + 17);
      const before = bytesUnder(path.join(dir, 'store'));
      const writing = t.write({ sha256: clip.sha256, key: clip.key, file: clip.file, size: clip.size });
      // Hold this thread for 2 s: the copy must go on meanwhile, so it does not run on this loop.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
      const during = bytesUnder(path.join(dir, 'store')) - before;
      assert.ok(during > 0, 'no byte reached the store while the main thread was held');
      const version = await writing;
      assert.equal(version.size, clip.size);
      assert.equal(sent, warm.size + clip.size, 'progress counts every byte sent, once');
      const back = await t.readBack(version, clip);
      assert.deepEqual(back, { result: 'ok', actualSha256: clip.sha256, bytes: clip.size });
      const wrong = await t.readBack(version, { sha256: warm.sha256, size: clip.size });
      assert.equal(wrong.result, 'mismatch');
    } finally {
      await t.close();
      cleanup();
    }
  });

  it("carries the store's errors across: a missing object, a missing vault file", async () => {
    const { dir, cleanup } = tempState('xfer-errors-');
    const t = new ThreadTransfers(setup(dir), { logger: pino({ level: 'silent' }), onBytes: () => {} });
    try {
      const gone = await t.readBack(
        { key: footageKey('ab'.repeat(32)), versionId: null, size: 10 },
        {
          sha256: 'ab'.repeat(32),
          size: 10,
        },
      );
      assert.equal(gone.result, 'missing');
      const err = await t
        .write({
          sha256: 'cd'.repeat(32),
          key: footageKey('cd'.repeat(32)),
          file: path.join(dir, 'nope'),
          size: 10,
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(err instanceof Error, 'the write of a missing file must fail');
      assert.ok(isNotFound(err), `the error keeps its code: ${String(err)}`);
    } finally {
      await t.close();
      cleanup();
    }
  });

  it('stops between parts when aborted, resumes from its journal, and logs through dockd', async () => {
    const { dir, cleanup } = tempState('xfer-abort-');
    const { logger, lines } = capturingLogger();
    const t = new ThreadTransfers(setup(dir), { logger, onBytes: () => {} });
    try {
      const clip = await footage(dir, 'clip.mp4', 12 * MiB);
      const job = { sha256: clip.sha256, key: clip.key, file: clip.file, size: clip.size };
      t.abort();
      await assert.rejects(t.write(job), (e: unknown) => e instanceof CopyPausedError);
      const journal = JSON.parse(
        await fsp.readFile(path.join(dir, 'uploads', `${clip.sha256}.json`), 'utf8'),
      );
      assert.equal(journal.parts.length, 0, 'no part is sent after the abort');
      t.resume();
      const version = await t.write(job);
      assert.equal((await t.readBack(version, clip)).result, 'ok');
      const resumed = lines.find((l) => l.msg === 'offsite upload resumed');
      assert.ok(resumed, `the thread's log line reached dockd's logger: ${JSON.stringify(lines)}`);
      assert.equal(resumed.thread, 'offsite-transfer');
      assert.equal(resumed.level, 30);
    } finally {
      await t.close();
      cleanup();
    }
  });

  it('fails its requests, never hangs them, when the thread cannot open the store or dies', async () => {
    const { dir, cleanup } = tempState('xfer-dead-');
    const { logger, lines } = capturingLogger();
    const noCredentials = new ThreadTransfers(
      setup(dir, {
        target: {
          type: 's3',
          endpoint: 'http://127.0.0.1:9',
          region: 'us-east-1',
          bucket: 'b',
          prefix: '',
          forcePathStyle: true,
          credentialsFile: path.join(dir, 'no-such-credentials'),
          objectLock: 'COMPLIANCE',
          timeoutMs: 1000,
        },
      }),
      { logger, onBytes: () => {} },
    );
    const crashing = path.join(dir, 'crashing-worker.mjs');
    await fsp.writeFile(crashing, "throw new Error('the transfer thread broke at start');\n");
    const dead = new ThreadTransfers(setup(dir), { logger, onBytes: () => {} }, pathToFileURL(crashing));
    try {
      const clip = await footage(dir, 'clip.mp4', 1000);
      const job = { sha256: clip.sha256, key: clip.key, file: clip.file, size: clip.size };
      await assert.rejects(noCredentials.write(job), /no-such-credentials|ENOENT/);
      assert.ok(
        lines.some(
          (l) => l.level === 50 && l.msg === 'offsite transfer thread: the store could not be opened',
        ),
        'the reason is logged',
      );
      await assert.rejects(dead.write(job), /broke at start/);
      // The next request starts a new thread (which fails the same way here, and is not stuck).
      await assert.rejects(
        dead.readBack({ key: clip.key, versionId: null, size: 1000 }, clip),
        /broke at start/,
      );
    } finally {
      await noCredentials.close();
      await dead.close();
      cleanup();
    }
  });
});
