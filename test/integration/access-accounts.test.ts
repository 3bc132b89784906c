import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountChanges } from '../../agent/access/account-changes.ts';
import type { AccountService } from '../../agent/access/accounts.ts';
import {
  AccountExistsError,
  AccountInputError,
  LastAdminError,
  LoginRefusedError,
  LoginThrottledError,
  OfficerNoTakenError,
  OfficerNotRegisteredError,
  OwnProposalError,
  UnknownProposalError,
  UnknownRoleError,
  WeakPasswordError,
} from '../../agent/access/errors.ts';
import { footageAccess } from '../../agent/access/footage-policy.ts';
import { LedgerStateError } from '../../agent/ledger/errors.ts';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import type { ClipRecord } from '../../agent/ledger/ledger-records.ts';
import { type AccessFixture, accessFixture, PASSWORDS as PW } from '../fixtures/access/access-fixture.ts';
import type { FakeClock } from '../fixtures/ledger/ledger-fixture.ts';

const HOUR = 3_600_000;

describe('accounts, logins and the footage policy on a real ledger', () => {
  let fx: AccessFixture;
  let ledger: Ledger;
  let clock: FakeClock;
  let accounts: AccountService;
  let clips: ClipRecord[];
  const secrets: string[] = [];

  before(async () => {
    fx = await accessFixture('access-accounts-');
    ({ ledger, clock, accounts, clips } = fx);
    for (const [username, password] of Object.entries(PW))
      secrets.push(password, ledger.accessQueries.passwordHash(username) as string);
  });
  after(() => fx.cleanup());

  it('stores accounts as chained events and hashes beside them', () => {
    const list = ledger.accessQueries.accounts();
    assert.deepEqual(
      list.map((a) => [a.username, a.role, a.officerNo, a.changedBy]),
      [
        ['admin', 'admin', '310002', 'console'],
        ['auditor1', 'auditor', '310003', 'console'],
        ['manager1', 'manager', null, 'console'],
        ['officer1', 'officer', '310001', 'console'],
        ['sup1', 'supervisor', null, 'console'],
        ['sup2', 'supervisor', null, 'console'],
      ],
    );
    assert.match(ledger.accessQueries.passwordHash('sup1') ?? '', /^scrypt\$15\$8\$1\$/);
  });

  it('refuses existing names in any case, weak passwords, unknown roles and bad fields', async () => {
    const add = (
      username: string,
      role: string,
      password = 'Fine-pass-123',
      officerNo: string | null = null,
    ) => accounts.add({ username, role: role as AccountRole, password, officerNo, by: 'console' });
    await assert.rejects(add('manager1', 'manager'), AccountExistsError);
    await assert.rejects(add('Manager1', 'manager'), AccountExistsError);
    await assert.rejects(add('newbie', 'manager', 'short'), WeakPasswordError);
    await assert.rejects(add('newbie', 'boss'), UnknownRoleError);
    await assert.rejects(add('newbie', '__proto__'), UnknownRoleError);
    await assert.rejects(add('console', 'manager'), AccountInputError);
    await assert.rejects(add('../etc', 'manager'), AccountInputError);
    await assert.rejects(add('newbie', 'officer'), /officer number/);
    await assert.rejects(add('newbie', 'officer', 'Fine-pass-123', '31 0001;'), /officer number/);
    assert.equal(ledger.accessQueries.account('newbie'), null);
  });

  it('logs in with the right password and refuses the rest with one message', async () => {
    const ok = await accounts.authenticate('manager1', PW.manager1 as string, '10.0.0.1');
    assert.equal(ok.role, 'manager');
    const messages: string[] = [];
    for (const [user, pw] of [
      ['manager1', 'Wrong-pass-01'],
      ['nobody', 'Whatever-01'],
      ['../../x', 'Whatever-01'],
      ['manager1', ''],
    ] as const) {
      await assert.rejects(accounts.authenticate(user, pw, '10.0.0.2'), (err: unknown) => {
        assert.ok(err instanceof LoginRefusedError);
        messages.push(err.message);
        return true;
      });
    }
    accounts.setDisabled('sup2', true, 'admin');
    await assert.rejects(accounts.authenticate('sup2', PW.sup2 as string, '10.0.0.3'), (err: unknown) => {
      messages.push((err as Error).message);
      return err instanceof LoginRefusedError;
    });
    accounts.setDisabled('sup2', false, 'admin');
    assert.equal(new Set(messages).size, 1, 'unknown user, wrong password and disabled read the same');
  });

  it('spends the same scrypt work on an unknown user as on a known one', async () => {
    const started = performance.now();
    await assert.rejects(accounts.authenticate('ghost', 'Whatever-01', '10.0.0.4'), LoginRefusedError);
    const took = performance.now() - started;
    assert.ok(took > 30, `an unknown user was refused in ${took.toFixed(1)} ms: no hash was verified`);
  });

  it('locks a username after five failures, reports the wait, and lets it in after 15 minutes', async () => {
    for (let i = 0; i < 5; i++)
      await assert.rejects(
        accounts.authenticate('officer1', `Wrong-pass-${i}x`, `10.0.1.${i}`),
        LoginRefusedError,
      );
    await assert.rejects(
      accounts.authenticate('officer1', PW.officer1 as string, '10.0.1.99'),
      (err: unknown) => err instanceof LoginThrottledError && err.retryAfterSeconds === 900,
    );
    clock.advance(15 * 60_000 + 1000);
    assert.equal(
      (await accounts.authenticate('officer1', PW.officer1 as string, '10.0.1.99')).username,
      'officer1',
    );
  });

  it('gives an officer number to one registered officer account only, in the service and the ledger', async () => {
    const add = (username: string, officerNo: string) =>
      accounts.add({ username, role: 'officer', password: 'Fine-pass-123', officerNo, by: 'console' });
    await assert.rejects(add('twin', '310001'), OfficerNoTakenError);
    await assert.rejects(add('ghost', '399999'), OfficerNotRegisteredError);
    assert.throws(
      () =>
        ledger.access.saveAccount({ username: 'twin', role: 'officer', officerNo: '310001', changedBy: 'x' }),
      (err: unknown) =>
        err instanceof LedgerStateError && /already belongs to the account officer1/.test(err.message),
    );
    assert.throws(
      () =>
        ledger.access.saveAccount({
          username: 'ghost',
          role: 'officer',
          officerNo: '399999',
          changedBy: 'x',
        }),
      /not registered/,
    );
    assert.equal(ledger.accessQueries.account('twin'), null);
  });

  it("an administrator's change that gives footage waits for another person to confirm it", async () => {
    const changes = new AccountChanges({ ledger, accounts, now: clock.now });
    assert.equal(
      await changes.add(
        { username: 'clerk9', role: 'auditor', officerNo: null, password: 'Fine-pass-123' },
        'admin',
      ),
      'saved',
    );
    assert.equal(await changes.setPassword('manager1', 'Other-pass-456', 'admin'), 'pending');
    assert.equal(
      changes.setDisabled('manager1', true, 'admin'),
      'saved',
      'disabling takes nothing away from custody',
    );
    assert.equal(changes.setDisabled('manager1', false, 'admin'), 'pending');
    const [pw, enable] = changes.pending();
    assert.ok(pw && enable);
    assert.throws(() => changes.confirm(pw.id, 'admin'), OwnProposalError);
    assert.throws(() => changes.confirm(pw.id, 'manager1'), OwnProposalError, "not one's own account");
    changes.confirm(enable.id, 'sup1');
    changes.confirm(pw.id, 'sup1');
    assert.equal(
      (await accounts.authenticate('manager1', 'Other-pass-456', '10.9.0.1')).username,
      'manager1',
    );
    assert.throws(() => changes.confirm(pw.id, 'sup1'), UnknownProposalError);
    assert.deepEqual(changes.pending(), []);
  });

  it('changes roles, but never takes the last enabled admin away', async () => {
    assert.equal(accounts.setRole('sup2', 'auditor', 'admin').role, 'auditor');
    assert.equal(accounts.setRole('sup2', 'supervisor', 'admin').changedBy, 'admin');
    assert.throws(() => accounts.setRole('admin', 'manager', 'admin'), LastAdminError);
    assert.throws(() => accounts.setDisabled('admin', true, 'admin'), LastAdminError);
    assert.throws(() => accounts.setRole('manager1', 'officer', 'admin'), /officer number/);
    assert.throws(() => accounts.setRole('manager1', 'root' as AccountRole, 'admin'), UnknownRoleError);
    await accounts.add({ username: 'admin2', role: 'admin', password: 'Admin-pass-02', by: 'admin' });
    assert.equal(accounts.setDisabled('admin', true, 'admin2').disabled, true);
    assert.equal(accounts.setDisabled('admin', false, 'admin2').disabled, false);
  });

  it('allows own footage, approved footage until the approval expires, and nothing else (R6)', () => {
    const own = clips[0] as ClipRecord; // officer 310001
    const other = clips[2] as ClipRecord; // officer 310002
    const at = () => clock.now();
    const officer = accounts.require('officer1');
    assert.deepEqual(footageAccess(ledger, officer, own.id, 'view', at()), {
      allowed: true,
      basis: 'own',
      requestId: null,
    });
    assert.deepEqual(footageAccess(ledger, officer, other.id, 'view', at()), {
      allowed: false,
      reason: 'not-own',
    });
    assert.deepEqual(footageAccess(ledger, officer, 'no-such-clip', 'view', at()), {
      allowed: false,
      reason: 'clip-unknown',
    });
    // Admin and auditor hold officer numbers here, yet see no footage, not even "their own".
    for (const [name, clip] of [
      ['admin', other],
      ['auditor1', own],
    ] as const)
      assert.deepEqual(footageAccess(ledger, accounts.require(name), clip.id, 'view', at()), {
        allowed: false,
        reason: 'no-footage-role',
      });

    const viewId = ledger.access.requestAccess({
      requestedBy: 'officer1',
      clipIds: [other.id],
      purpose: 'view',
      reason: '复议材料核对',
    });
    assert.throws(
      () => ledger.access.decideAccess({ requestId: viewId, decision: 'approved', decidedBy: 'officer1' }),
      LedgerStateError,
    );
    assert.deepEqual(footageAccess(ledger, officer, other.id, 'view', at()), {
      allowed: false,
      reason: 'not-own',
    });
    ledger.access.decideAccess({
      requestId: viewId,
      decision: 'approved',
      decidedBy: 'sup1',
      validForHours: 2,
    });
    assert.deepEqual(footageAccess(ledger, officer, other.id, 'view', at()), {
      allowed: true,
      basis: 'approval',
      requestId: viewId,
    });
    assert.deepEqual(footageAccess(ledger, officer, other.id, 'export', at()), {
      allowed: false,
      reason: 'not-own',
    });
    assert.equal(footageAccess(ledger, accounts.require('manager1'), other.id, 'view', at()).allowed, false);
    clock.advance(2 * HOUR);
    assert.deepEqual(footageAccess(ledger, officer, other.id, 'view', at()), {
      allowed: false,
      reason: 'not-own',
    });
  });

  it("refuses a supervisor's approval of their own request, and lets an export approval cover viewing", () => {
    const other = clips[3] as ClipRecord;
    const id = ledger.access.requestAccess({
      requestedBy: 'sup1',
      clipIds: [other.id],
      purpose: 'export',
      reason: '行政诉讼',
    });
    assert.throws(
      () => ledger.access.decideAccess({ requestId: id, decision: 'approved', decidedBy: 'sup1' }),
      /own access request/,
    );
    ledger.access.decideAccess({ requestId: id, decision: 'approved', decidedBy: 'sup2' });
    const sup1 = accounts.require('sup1');
    for (const purpose of ['view', 'export'] as const)
      assert.deepEqual(footageAccess(ledger, sup1, other.id, purpose, clock.now()), {
        allowed: true,
        basis: 'approval',
        requestId: id,
      });
    const disabled = { ...sup1, disabled: true };
    assert.equal(footageAccess(ledger, disabled, other.id, 'view', clock.now()).allowed, false);
  });

  it('never writes a password, hash or username to the log', () => {
    const text = fx.logLines.join('');
    assert.match(text, /login refused/, 'the log was written');
    assert.match(text, /login accepted/);
    assert.match(text, /login throttled/);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into the log`);
    for (const name of ['officer1', 'manager1', 'sup1', 'ghost'])
      assert.ok(!text.includes(`"${name}"`), `the username ${name} leaked into the log`);
  });
});
