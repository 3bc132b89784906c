import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from '../../agent/access/login-throttle.ts';

function clock() {
  let t = Date.parse('2025-03-01T08:00:00Z');
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function fail(throttle: LoginThrottle, n: number, user: string, remote: string): void {
  for (let i = 0; i < n; i++) throttle.failure(user, remote);
}

describe('login throttle', () => {
  it('locks a username after 5 failures for 15 minutes, reporting the seconds left', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    fail(t, 4, 'admin', '10.0.0.1');
    assert.equal(t.retryAfterSeconds('admin', '10.0.0.1'), 0, 'four failures do not lock');
    t.failure('admin', '10.0.0.1');
    assert.equal(t.retryAfterSeconds('admin', '10.0.0.1'), 900);
    assert.equal(t.retryAfterSeconds('admin', '10.0.0.9'), 900, 'the username is locked from any address');
    c.advance(60_500);
    assert.equal(t.retryAfterSeconds('admin', '10.0.0.9'), 840, 'rounded up');
    c.advance(15 * 60_000);
    assert.equal(t.retryAfterSeconds('admin', '10.0.0.9'), 0, 'the lock ends');
  });

  it('locks an address that guesses many usernames', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (const u of ['a1', 'b2', 'c3', 'd4', 'e5']) t.failure(u, '192.168.1.50');
    assert.equal(t.retryAfterSeconds('f6', '192.168.1.50'), 900);
    assert.equal(t.retryAfterSeconds('f6', '192.168.1.51'), 0, 'another address is not locked');
    assert.equal(t.retryAfterSeconds('f6', '::ffff:192.168.1.50'), 900, 'IPv4-mapped is the same address');
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, maxFailures: 3, lockMs: 60_000, windowMs: 10_000 });
    fail(t, 2, 'bob', 'r');
    c.advance(11_000);
    t.failure('bob', 'r');
    assert.equal(t.retryAfterSeconds('bob', 'r'), 0);
    fail(t, 2, 'bob', 'r');
    assert.equal(t.retryAfterSeconds('bob', 'r'), 60);
  });

  it("clears the username's count on success, but not the address's", () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    fail(t, 4, 'carol', '10.0.0.2');
    t.success('carol', '10.0.0.2');
    fail(t, 1, 'carol', '10.0.0.3');
    assert.equal(t.retryAfterSeconds('carol', '10.0.0.3'), 0, 'the username starts again');
    assert.equal(t.retryAfterSeconds('dave', '10.0.0.2'), 0);
    t.failure('dave', '10.0.0.2');
    assert.equal(t.retryAfterSeconds('dave', '10.0.0.2'), 900, 'the address kept its four failures');
  });

  it('matches usernames without regard to letter case and does not extend a running lock', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, lockMs: 60_000 });
    fail(t, 3, 'Admin', 'x1');
    fail(t, 2, 'ADMIN', 'x2');
    assert.equal(t.retryAfterSeconds('admin', 'x3'), 60);
    c.advance(30_000);
    t.failure('admin', 'x4');
    assert.equal(t.retryAfterSeconds('admin', 'x4'), 30);
  });

  it('stays bounded under a flood of distinct names, keeping locks', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, maxEntries: 100 });
    fail(t, 5, 'victim', 'v');
    for (let i = 0; i < 1000; i++) {
      c.advance(1);
      t.failure(`name${i}${'x'.repeat(500)}`, `10.1.${i % 250}.${i % 7}`);
    }
    assert.ok(t.size <= 102, `size ${t.size}`);
    assert.ok(t.retryAfterSeconds('victim', 'elsewhere') > 0, 'the lock survived');
  });

  it('counts an attempt when it starts: attempts still being checked use up the limit', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    const started = Array.from({ length: 200 }, (_, i) => t.begin('erin', `10.2.0.${i % 200}`));
    const admitted = started.filter((a) => a.retryAfterSeconds === 0);
    assert.equal(admitted.length, 5, 'five attempts of one username may run at once, no more');
    for (const a of admitted) t.failed(a);
    assert.equal(t.retryAfterSeconds('erin', 'anywhere'), 900, 'the five failures lock the name');
    const fromOne = Array.from({ length: 50 }, (_, i) => t.begin(`user${i}`, '10.3.0.1'));
    assert.equal(fromOne.filter((a) => a.retryAfterSeconds === 0).length, 5, 'and five from one address');
  });

  it('a success among running attempts clears the username but keeps the others counted', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    const attempts = Array.from({ length: 5 }, () => t.begin('frank', '10.4.0.1'));
    assert.ok(attempts.every((a) => a.retryAfterSeconds === 0));
    assert.ok(t.begin('frank', '10.4.0.2').retryAfterSeconds > 0, 'a sixth must wait');
    t.succeeded(attempts[0] as (typeof attempts)[0]);
    for (const a of attempts.slice(1)) t.failed(a);
    assert.equal(t.retryAfterSeconds('frank', '10.4.0.3'), 0, 'four failures after the success: not locked');
    assert.equal(t.retryAfterSeconds('other', '10.4.0.1'), 0, 'the address holds four failures');
    t.failure('other', '10.4.0.1');
    assert.equal(t.retryAfterSeconds('other', '10.4.0.1'), 900);
    assert.throws(() => t.failed({ username: 'x', remote: 'y', retryAfterSeconds: 3 }), /refused/);
  });
});
