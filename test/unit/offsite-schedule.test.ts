import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BandwidthLimit } from '../../agent/offsite/bandwidth-limit.ts';
import { CopyWindows, parseWindow } from '../../agent/offsite/copy-windows.ts';

describe('copy windows (the office link is not flooded during work hours)', () => {
  const at = (iso: string) => Date.parse(iso);

  it('an overnight window in Beijing time is open at night and closed by day', () => {
    const w = new CopyWindows(['19:00-07:30'], 'Asia/Shanghai');
    assert.equal(w.isOpen(at('2026-05-06T12:00:00Z')), true, '20:00 Beijing');
    assert.equal(w.isOpen(at('2026-05-06T23:29:00Z')), true, '07:29 Beijing');
    assert.equal(w.isOpen(at('2026-05-06T23:30:00Z')), false, '07:30 Beijing');
    assert.equal(w.isOpen(at('2026-05-07T02:00:00Z')), false, '10:00 Beijing');
    assert.equal(w.msUntilOpen(at('2026-05-07T02:00:00Z')), 9 * 3_600_000, 'opens at 19:00, 9 h later');
    assert.equal(w.msUntilOpen(at('2026-05-06T12:00:00Z')), 0);
  });

  it('the same window in UTC opens at other instants', () => {
    const w = new CopyWindows(['19:00-07:30'], 'UTC');
    assert.equal(w.isOpen(at('2026-05-06T12:00:00Z')), false);
    assert.equal(w.msUntilOpen(at('2026-05-06T12:00:00Z')), 7 * 3_600_000);
  });

  it('across a daylight-saving change the next opening is the local 19:00', () => {
    const w = new CopyWindows(['19:00-20:00'], 'Europe/Berlin');
    // 2026-03-29: clocks go from 02:00 to 03:00. From 10:00 local (08:00Z) to 19:00 local (17:00Z) is 9 h.
    assert.equal(w.msUntilOpen(at('2026-03-29T08:00:00Z')), 9 * 3_600_000);
  });

  it('no windows means any time; a bad window is one clear sentence', () => {
    assert.equal(new CopyWindows([], 'Asia/Shanghai').isOpen(0), true);
    assert.throws(() => parseWindow('7pm-8am'), /the copy window '7pm-8am' is not HH:MM-HH:MM/);
    assert.throws(() => parseWindow('24:00-01:00'), /not HH:MM-HH:MM/);
  });
});

describe('bandwidth cap', () => {
  function fakeTime() {
    let t = 0;
    const waits: number[] = [];
    return {
      clock: () => t,
      delay: async (ms: number) => {
        waits.push(ms);
        t += ms;
      },
      waits,
    };
  }

  it('holds a stream of chunks to the rate, with a short burst', async () => {
    const f = fakeTime();
    const limit = new BandwidthLimit(1_000_000, f.clock, f.delay, 250);
    for (let i = 0; i < 10; i++) await limit.take(100_000);
    // 1 MB at 1 MB/s takes 1 s; the first 250 ms are credit.
    assert.equal(f.clock(), 750);
  });

  it('no cap waits nothing; the rate can change while running', async () => {
    const f = fakeTime();
    const limit = new BandwidthLimit(0, f.clock, f.delay);
    await limit.take(10_000_000);
    assert.deepEqual(f.waits, []);
    limit.rate = 500_000;
    await limit.take(500_000);
    await limit.take(500_000);
    assert.equal(f.clock(), 1750);
  });
});
