import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../agent/ingest/buffer-pool.ts';
import { isAligned } from '../../agent/ingest/page-cache.ts';
import { crowdedBufferSize } from '../../agent/ingest/worker-pool.ts';
import { fixMallocMmapThreshold } from '../../agent/os/malloc-tuning.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('BufferPool: a worker reuses its I/O buffers whatever sizes the crowded pool asks for', () => {
  it('lends a larger idle buffer as a view of the exact size, and takes the whole buffer back', () => {
    const pool = new BufferPool(16 * MiB);
    const big = pool.acquire(512 * KiB);
    const backing = big.buffer;
    pool.release(big);
    assert.equal(pool.keptBytes, 512 * KiB);
    const small = pool.acquire(256 * KiB);
    assert.equal(small.length, 256 * KiB, 'the view has the size asked for');
    assert.equal(small.buffer, backing, 'the idle buffer was reused, not a new one allocated');
    assert.equal(pool.keptBytes, 0);
    pool.release(small);
    assert.equal(pool.keptBytes, 512 * KiB, 'the whole buffer went back, not the view');
    const again = pool.acquire(512 * KiB);
    assert.equal(again.buffer, backing);
    assert.equal(again.length, 512 * KiB);
  });

  it('keeps views aligned for O_DIRECT where the address can be learnt', (t) => {
    const pool = new BufferPool(16 * MiB);
    const first = pool.acquire(MiB);
    if (!isAligned(first)) {
      t.diagnostic('buffer addresses cannot be learnt here (no koffi/libc): alignment not checked');
      assert.equal(isAligned(first), false);
      return;
    }
    pool.release(first);
    assert.ok(isAligned(pool.acquire(512 * KiB)), 'a view of an aligned buffer starts aligned');
  });

  it('does not lend a buffer more than four times too large, and picks the smallest that fits', () => {
    const pool = new BufferPool(64 * MiB);
    const four = pool.acquire(4 * MiB);
    const one = pool.acquire(MiB);
    pool.release(four, one);
    const tiny = pool.acquire(128 * KiB);
    assert.notEqual(tiny.buffer, four.buffer);
    assert.notEqual(tiny.buffer, one.buffer, '1 MiB is 8 times 128 KiB: a new buffer instead');
    const half = pool.acquire(512 * KiB);
    assert.equal(half.buffer, one.buffer, 'the smallest idle buffer that fits');
  });

  it('keeps at most keepBytes of idle buffers', () => {
    const pool = new BufferPool(MiB);
    const a = pool.acquire(768 * KiB);
    const b = pool.acquire(768 * KiB);
    pool.release(a, b);
    assert.equal(pool.keptBytes, 768 * KiB);
  });
});

describe('the crowded pool shares a buffer budget', () => {
  it('cuts buffers as more tasks run, to a power of two, never under 128 KiB nor over the cap', () => {
    const budget = 48 * MiB;
    const cap = 512 * KiB;
    assert.equal(crowdedBufferSize(2, budget, cap), cap, 'a few tasks keep the crowded size');
    assert.equal(crowdedBufferSize(31, budget, cap), 512 * KiB, '48 MiB ÷ (3 × 32) = 512 KiB exactly');
    assert.equal(crowdedBufferSize(32, budget, cap), 256 * KiB, 'one task more: under 512 KiB, so 256 KiB');
    assert.equal(crowdedBufferSize(57, budget, cap), 256 * KiB, '48 MiB ÷ (3 × 58) ≈ 282 KiB → 256 KiB');
    assert.equal(crowdedBufferSize(500, budget, cap), 128 * KiB, 'the floor');
    let last = cap;
    for (let n = 0; n < 200; n++) {
      const size = crowdedBufferSize(n, budget, cap);
      assert.ok(size <= last, `never grows with more tasks (n=${n})`);
      assert.equal(size & (size - 1), 0, 'a power of two');
      last = size;
    }
    for (let n = 2; n < 200; n++) {
      const size = crowdedBufferSize(n, budget, cap);
      if (size > 128 * KiB) assert.ok(3 * size * (n + 1) <= budget, `within the budget at n=${n}`);
    }
  });
});

describe('fixMallocMmapThreshold', () => {
  it('is taken by glibc through koffi, or says why not', () => {
    const result = fixMallocMmapThreshold();
    if (!result.fixed) assert.match(result.why, /libc|mallopt/);
    else assert.equal(result.fixed, true);
    const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
    const glibc = report.header?.glibcVersionRuntime;
    if (glibc) assert.equal(result.fixed, true, `glibc ${glibc} takes M_MMAP_THRESHOLD`);
  });
});
