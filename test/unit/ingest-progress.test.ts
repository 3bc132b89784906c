import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEta, progressLine } from '../../agent/cli/progress-line.ts';
import { ProgressMeter } from '../../agent/ingest/progress.ts';
import { formatBytes } from '../../agent/reports/byte-format.ts';

describe('ProgressMeter', () => {
  it('reports no ETA before a rate is known, then rate and ETA from samples', () => {
    const meter = new ProgressMeter(1000);
    assert.deepEqual(meter.sample(0, 0, 1000), { bytesPerSecond: 0, etaSeconds: null });
    const second = meter.sample(1000, 100, 1000);
    assert.equal(second.bytesPerSecond, 100);
    assert.equal(second.etaSeconds, 9);
  });

  it('smooths a burst instead of jumping to it', () => {
    const meter = new ProgressMeter(3000);
    meter.sample(0, 0, 10_000);
    meter.sample(1000, 100, 10_000);
    const burst = meter.sample(1100, 1100, 10_000); // 10,000 B/s for 100 ms
    assert.ok(burst.bytesPerSecond > 100 && burst.bytesPerSecond < 10_000, `rate ${burst.bytesPerSecond}`);
  });

  it('says 0 s left when done', () => {
    const meter = new ProgressMeter();
    assert.equal(meter.sample(0, 500, 500).etaSeconds, 0);
  });
});

describe('progress line', () => {
  it('formats bytes and ETAs for people', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(4 * 1024 ** 3), '4.0 GiB');
    assert.equal(formatEta(null), '--:--');
    assert.equal(formatEta(65), '1:05');
    assert.equal(formatEta(3725), '1:02:05');
  });

  it('shows file name, phase, percentage, rate and ETA', () => {
    const line = progressLine({
      resumeKey: 'k',
      owner: 'A123456',
      sourcePath: '/mnt/rec/DCIM/100MEDIA/20261121_0830_0001.MP4',
      phase: 'copy',
      bytesDone: 512 * 1024 ** 2,
      bytesTotal: 1024 ** 3,
      bytesPerSecond: 100 * 1024 ** 2,
      etaSeconds: 5,
    });
    assert.match(
      line,
      /^20261121_0830_0001\.MP4 copy +\[#{12}\.{12}\] {2}50% 512\.0 MiB\/1\.0 GiB 100\.0 MiB\/s ETA 0:05$/,
    );
  });
});
