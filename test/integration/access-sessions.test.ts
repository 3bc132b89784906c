import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AccountService } from '../../agent/access/accounts.ts';
import { LoginRefusedError, UnknownAccountError, WeakPasswordError } from '../../agent/access/errors.ts';
import {
  csrfMatches,
  SESSION_COOKIE,
  SessionManager,
  sessionTokenFromCookieHeader,
} from '../../agent/access/web-sessions.ts';
import { ledgerFile } from '../../agent/ledger/database.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { type AccessFixture, accessFixture, PASSWORDS as PW } from '../fixtures/access/access-fixture.ts';
import type { FakeClock } from '../fixtures/ledger/ledger-fixture.ts';

const HOUR = 3_600_000;

describe('login sessions of the page on a real ledger', () => {
  let fx: AccessFixture;
  let ledger: Ledger;
  let clock: FakeClock;
  let accounts: AccountService;
  let sessions: SessionManager;

  before(async () => {
    fx = await accessFixture('access-sessions-');
    ({ ledger, clock, accounts } = fx);
    sessions = new SessionManager({ ledger, now: clock.now });
  });
  after(() => fx.cleanup());

  it('keeps only the SHA-256 of a session token, and resumes a live session', () => {
    const officer = accounts.require('officer1');
    const s = sessions.start(officer);
    assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(s.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(s.token, s.csrfToken);
    assert.equal(s.expiresAt.getTime(), clock.now().getTime() + 30 * 60_000);
    const hash = createHash('sha256').update(s.token).digest('hex');
    assert.equal(ledger.webSessions.find(hash)?.username, 'officer1');
    for (const f of [ledgerFile(fx.paths), `${ledgerFile(fx.paths)}-wal`])
      if (existsSync(f)) assert.ok(!readFileSync(f).includes(s.token), `${f} holds the raw token`);
    const resumed = sessions.resume(s.token);
    assert.equal(resumed?.account.username, 'officer1');
    assert.equal(resumed?.csrfToken, s.csrfToken);
    for (const bad of [undefined, '', 'x'.repeat(43), `${s.token}=`, s.token.slice(1)])
      assert.equal(sessions.resume(bad), null, String(bad));
    sessions.end(s.token);
    assert.equal(sessions.resume(s.token), null, 'logged out');
  });

  it('ends a session after 30 idle minutes; activity slides it, but never past 12 hours', () => {
    const officer = accounts.require('officer1');
    const idle = sessions.start(officer);
    clock.advance(30 * 60_000);
    assert.equal(sessions.resume(idle.token), null, 'idle for 30 minutes');

    const busy = sessions.start(officer);
    const hash = createHash('sha256').update(busy.token).digest('hex');
    const loginAt = clock.now().getTime();
    for (let h = 0; h < 35; h++) {
      clock.advance(20 * 60_000);
      assert.ok(sessions.resume(busy.token), `still live after ${(h + 1) * 20} minutes`);
      const stored = ledger.webSessions.find(hash);
      assert.equal(stored?.lastSeen.getTime(), clock.now().getTime(), 'resume touches lastSeen');
      assert.ok((stored?.expiresAt.getTime() ?? 0) <= loginAt + 12 * HOUR);
    }
    clock.advance(20 * 60_000); // 12 h after login
    assert.equal(sessions.resume(busy.token), null, 'the absolute lifetime ends it');
    assert.equal(ledger.webSessions.find(hash), null, 'and it is removed');
  });

  it('forgets expired sessions when a new one starts', () => {
    const old = sessions.start(accounts.require('manager1'));
    const oldHash = createHash('sha256').update(old.token).digest('hex');
    clock.advance(31 * 60_000);
    assert.ok(ledger.webSessions.find(oldHash), 'expired but still stored');
    sessions.start(accounts.require('manager1'));
    assert.equal(ledger.webSessions.find(oldHash), null);
  });

  it('ends sessions when the password changes or the account is disabled, and refuses disabled accounts', async () => {
    const a = sessions.start(accounts.require('manager1'));
    await accounts.setPassword('manager1', 'Manager-pass-02', 'admin');
    assert.equal(sessions.resume(a.token), null);
    await assert.rejects(
      accounts.authenticate('manager1', PW.manager1 as string, '10.0.2.1'),
      LoginRefusedError,
    );
    const manager = await accounts.authenticate('manager1', 'Manager-pass-02', '10.0.2.1');
    const b = sessions.start(manager);
    accounts.setDisabled('manager1', true, 'admin');
    assert.equal(sessions.resume(b.token), null);
    assert.throws(() => sessions.start(manager), LoginRefusedError);
    accounts.setDisabled('manager1', false, 'admin');
    await assert.rejects(accounts.setPassword('nobody', 'Fine-pass-123', 'admin'), UnknownAccountError);
    await assert.rejects(accounts.setPassword('manager1', 'weak', 'admin'), WeakPasswordError);
  });

  it('refuses a session whose account was disabled behind its back', () => {
    const s = sessions.start(accounts.require('sup1'));
    ledger.access.saveAccount({ username: 'sup1', role: 'supervisor', disabled: true, changedBy: 'admin' });
    assert.equal(sessions.resume(s.token), null);
    ledger.access.saveAccount({ username: 'sup1', role: 'supervisor', disabled: false, changedBy: 'admin' });
  });

  it('sets cookies HttpOnly, SameSite=Strict, Secure over TLS, and finds the token in a Cookie header', () => {
    const { token } = sessions.start(accounts.require('sup1'));
    assert.equal(
      sessions.setCookie(token, { secure: true }),
      `rd_session=${token}; Path=/; HttpOnly; SameSite=Strict; Secure`,
    );
    assert.equal(
      sessions.setCookie(token, { secure: false }),
      `rd_session=${token}; Path=/; HttpOnly; SameSite=Strict`,
    );
    assert.equal(
      sessions.clearCookie({ secure: true }),
      'rd_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure',
    );
    assert.throws(() => sessions.setCookie(`${token}\r\nSet-Cookie: x=1`, { secure: true }));
    assert.equal(sessionTokenFromCookieHeader(`lang=en; ${SESSION_COOKIE}=${token}; other=1`), token);
    assert.equal(sessionTokenFromCookieHeader('lang=en'), undefined);
    assert.equal(sessionTokenFromCookieHeader(undefined), undefined);
    assert.equal(csrfMatches('abc', 'abc'), true);
    for (const given of ['abd', 'ab', 'abcd', '', undefined, null, 123, ['abc'], { toString: () => 'abc' }])
      assert.equal(csrfMatches('abc', given), false, String(given));
    assert.equal(csrfMatches('', ''), false);
  });
});
