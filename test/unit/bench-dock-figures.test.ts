import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DockChildResult } from '../../bench/dock-child.ts';
import { fairShares, percentile, scenarioFigures } from '../../bench/dock-figures.ts';
import { limitFigures } from '../../bench/limit-figures.ts';

describe('max-min fair shares', () => {
  it('gives a slow link its speed and splits the rest evenly', () => {
    assert.deepEqual(fairShares(100, [10, 50, 50]), [10, 45, 45]);
  });
  it('gives every link its speed when the capacity covers them all', () => {
    assert.deepEqual(fairShares(1000, [35, 40, 400]), [35, 40, 400]);
  });
  it('splits evenly among unlimited links', () => {
    assert.deepEqual(fairShares(90, [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 30]), [30, 30, 30]);
  });
});

describe('a scenario judged by the links, the cores and the disk', () => {
  const recorder = (serial: string, mbS: number) => ({
    serial,
    bytes: mbS * 1e6 * 10,
    bytesPerSecond: 35e6,
    seconds: 10,
    outcome: 'complete',
    sealed: 4,
  });
  const run: DockChildResult = {
    recorders: [recorder('A', 30), recorder('B', 20)],
    wallSeconds: 10,
    cpuSeconds: 1,
    eventLoopP99Ms: 5,
    peakRssMb: 100,
    threadpool: '64',
  };
  it('takes the aggregate against 0.9 × min(links, box) and against the disk alone', () => {
    const f = scenarioFigures(run, [10, 20], 1000, 40);
    assert.equal(f.aggregate_mb_s, 50);
    assert.equal(f.target_aggregate_mb_s, 0.9 * 70);
    assert.equal(f.aggregate_vs_target, 50 / 63);
    assert.equal(f.aggregate_vs_disk_limit, 50 / 40);
  });
  it('leaves the disk ratio unknown when the disk was not measured', () => {
    assert.ok(Number.isNaN(scenarioFigures(run, [], 1000).aggregate_vs_disk_limit));
  });
});

describe('nearest-rank percentile', () => {
  it('takes the value at or above the rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(v, 99), 99);
    assert.equal(percentile(v, 100), 100);
    assert.equal(percentile([5], 99), 5);
  });
});

describe('the seal judged by its limit', () => {
  const round = {
    seal_s: 4,
    seal_mb_s: 1000,
    seal_cpu_s: 3,
    hash_only_s: 3,
    hash_only_cpu_s: 2.5,
    copy_dd_fsync_s: 5,
    copy_dd_fsync_cpu_s: 2,
    copy_dd_direct_s: 3.6,
    copy_dd_direct_cpu_s: 0.2,
    copy_cp_sync_s: 4.5,
    copy_cp_sync_cpu_s: 0.1,
    set_ingest_mb_s: 450,
    set_seal_only_mb_s: 500,
    openssl_hot_mb_s: 1300,
    cp_sync_openssl_mb_s: 500,
    dcfldd_mb_s: 100,
    naive_pipeline_mb_s: 300,
    set_cp_sync_openssl_mb_s: 400,
    set_disk_limit_mb_s: 500,
  };
  it('takes the slower half, the fastest copy, and the parts’ CPU', () => {
    const f = limitFigures(round);
    assert.equal(f.copy_only_s, 3.6);
    assert.equal(f.copy_only_is_direct, 1);
    assert.equal(f.limit_s, 3.6);
    assert.equal(f.limit_is_hash, 0);
    assert.equal(f.seal_vs_limit, 0.9);
    assert.equal(f.seal_cpu_vs_parts, 3 / 2.7);
    assert.equal(f.set_vs_seal_only, 0.9);
    assert.equal(f.set_vs_disk_limit, 0.9);
  });
  it('refuses a round with a figure missing', () => {
    const { hash_only_s: _, ...missing } = round;
    assert.throws(() => limitFigures(missing), /no figure hash_only_s/);
  });
});
