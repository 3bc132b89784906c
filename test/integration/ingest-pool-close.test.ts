import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IngestWorkerPool } from '../../agent/ingest/worker-pool.ts';

// A worker thread loads libc through koffi as it starts. Stopping the thread in the middle of
// that load used to abort the whole process (node-addon-api's fatal error on a failed throw),
// so dockd stopping just as a recorder docked could die with SIGABRT (seen once, in CI's
// dock-e2e). The pool now waits for each worker's 'ready' before stopping it. The abort was not
// reproduced on demand, so this guards the path: an abort would fail the whole file.
describe('the ingest pool stopped just as its workers start', () => {
  let dir = '';
  let file = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pool-close-'));
    file = path.join(dir, 'clip.mp4');
    await writeFile(file, Buffer.alloc(64 << 10, 7));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('stops cleanly every time, failing the task it cut as POOL_CLOSED', async () => {
    for (let i = 0; i < 12; i++) {
      const pool = new IngestWorkerPool(2);
      const tasks = [0, 1].map(() =>
        pool.run({ kind: 'verify', file, bufferBytes: 64 << 10, totalBytes: 0 }).then(
          () => 'done',
          (err: Error & { code?: string }) => err.code,
        ),
      );
      await new Promise((r) => setTimeout(r, i * 15)); // cut at different moments of the start
      await pool.close();
      for (const outcome of await Promise.all(tasks))
        assert.ok(outcome === 'done' || outcome === 'POOL_CLOSED', String(outcome));
    }
  });
});
