import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Ingester } from '../../agent/ingest/ingester.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { IngestWorkerPool, simWorkerUrl } from '../../agent/ingest/worker-pool.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { simSourceSpec } from '../../drivers/sim/sim-source.ts';
import { IngestFixture, SMALL_TUNING } from '../helpers/ingest-fixture.ts';

let fx: IngestFixture;
before(async () => {
  fx = await IngestFixture.create();
});
after(() => fx.close());

const CHILD = path.join(import.meta.dirname, '../fixtures/ingest/slow-links-child.ts');
const SIZE = 1024 * 1024;
const LINK = { bytesPerSecond: 4e6, jitter: 0 }; // 262 ms per file

/**
 * Ingest `files` through slow links on one worker thread running `tasks` side by side, in a child
 * process: the libuv pool size must be set before a process starts.
 */
async function slowLinks(
  tasks: number,
  files: readonly { file: string }[],
): Promise<{ ms: number; ok: boolean }> {
  const state = `${fx.paths.stateDir}-${tasks}`;
  const args = [
    '--import',
    'tsx',
    CHILD,
    state,
    String(LINK.bytesPerSecond),
    String(tasks),
    ...files.map((f) => f.file),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, UV_THREADPOOL_SIZE: '32' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number; ok: boolean };
}

describe('one worker thread serving several slow recorders', () => {
  it('copies their files side by side, each at its link speed, all correct', async () => {
    const files = await Promise.all([0, 1, 2, 3].map((i) => fx.sourceFile(`slow-${i}.mp4`, SIZE)));
    const together = await slowLinks(4, files);
    const oneByOne = await slowLinks(1, files);
    assert.equal(together.ok && oneByOne.ok, true, 'every file sealed to its own digest');
    const oneFileMs = (SIZE / LINK.bytesPerSecond) * 1000;
    assert.ok(together.ms >= oneFileMs * 0.9, `${together.ms.toFixed(0)} ms: faster than the link allows`);
    assert.ok(
      together.ms < oneByOne.ms * 0.6,
      `side by side ${together.ms.toFixed(0)} ms, one by one ${oneByOne.ms.toFixed(0)} ms`,
    );
  });

  it('queues tasks beyond its limit and runs them when a place is free', async () => {
    const pool = new IngestWorkerPool(1, simWorkerUrl(), { tasksPerWorker: 1 });
    try {
      const ingester = new Ingester({
        pool,
        layout: new VaultLayout(fx.paths),
        logger: silentLogger(),
        tuning: SMALL_TUNING,
      });
      const files = await Promise.all([0, 1].map((i) => fx.sourceFile(`one-${i}.mp4`, SIZE / 4)));
      const t0 = performance.now();
      const results = await Promise.all(
        files.map((f, i) =>
          ingester.ingest({ source: simSourceSpec(f.file, null, null, LINK), resumeKey: `one:${i}` }),
        ),
      );
      const ms = performance.now() - t0;
      assert.deepEqual(
        results.map((r) => r.sha256),
        files.map((f) => f.sha256),
      );
      const oneFileMs = (SIZE / 4 / LINK.bytesPerSecond) * 1000;
      assert.ok(ms >= oneFileMs * 1.8, `one at a time: ${ms.toFixed(0)} ms for two ${oneFileMs} ms files`);
    } finally {
      await pool.close();
    }
  });

  it('refuses a task limit below one', () => {
    assert.throws(() => new IngestWorkerPool(1, simWorkerUrl(), { tasksPerWorker: 0 }), /tasks per worker/);
  });
});
