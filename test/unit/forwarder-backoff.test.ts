import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, DEFAULT_BACKOFF, parseRetryAfter } from '../../agent/forwarder/backoff.ts';

describe('Backoff', () => {
  it('grows exponentially, with equal jitter between half and all of the nominal delay', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 100_000, multiplier: 2 }, () => 0);
    const high = new Backoff({ initialMs: 100, maxMs: 100_000, multiplier: 2 }, () => 1);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => low.next()),
      [50, 100, 200, 400],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map(() => high.next()),
      [100, 200, 400, 800],
    );
    assert.equal(low.attempts, 4);
  });

  it('is capped at maxMs however many failures there were', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 5000, multiplier: 3 }, () => 1);
    const delays = Array.from({ length: 200 }, () => b.next());
    assert.equal(Math.max(...delays), 5000);
    assert.equal(delays.at(-1), 5000);
    assert.ok(delays.every((d) => Number.isFinite(d)));
  });

  it('starts again at initialMs after reset()', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 1000 }, () => 1);
    b.next();
    b.next();
    b.next();
    b.reset();
    assert.equal(b.attempts, 0);
    assert.equal(b.next(), 10);
  });

  it("honours a server's Retry-After: never sooner, but up to the cap", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, retryAfterCapMs: 60_000 }, () => 0.5);
    assert.equal(b.next(30_000), 30_000, 'longer than the backoff: the server wins');
    assert.equal(b.next(10), 150, 'shorter than the backoff: the backoff wins');
    assert.equal(b.next(86_400_000), 60_000, 'a day is capped');
    assert.equal(b.next(null), 600, 'the fourth failure: 800 nominal, jittered');
  });

  it('spreads retries of docks that failed together', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const delays = Array.from({ length: 50 }, () => new Backoff({ initialMs: 1000 }, random).next());
    assert.ok(new Set(delays).size > 40);
    assert.ok(delays.every((d) => d >= 500 && d <= 1000));
  });

  it('refuses a policy that makes no sense', () => {
    assert.throws(() => new Backoff({ initialMs: 0 }), RangeError);
    assert.throws(() => new Backoff({ initialMs: 100, maxMs: 50 }), RangeError);
    assert.throws(() => new Backoff({ multiplier: 0.5 }), RangeError);
    assert.equal(DEFAULT_BACKOFF.maxMs, 300_000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-03-01T08:00:00.000Z');

  it('reads delay-seconds and HTTP-dates', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 08:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 07:00:00 GMT', now), 0, 'a date in the past: now');
    assert.equal(parseRetryAfter(['5', '9'], now), 5000);
  });

  it('ignores what it cannot read', () => {
    for (const bad of [undefined, null, '', 'soon', '-5', '1.5', '12abc'])
      assert.equal(parseRetryAfter(bad, now), null, String(bad));
  });
});
