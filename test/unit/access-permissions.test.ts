import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessDeniedError } from '../../agent/access/errors.ts';
import { clipSearchScope } from '../../agent/access/footage-policy.ts';
import {
  ACCOUNT_ROLES,
  can,
  isAccountRole,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  requirePermission,
} from '../../agent/access/permissions.ts';
import type { AccountRecord } from '../../agent/ledger/access-records.ts';
import type { AccountRole } from '../../agent/ledger/event-types.ts';

function account(role: AccountRole, officerNo: string | null = null, disabled = false): AccountRecord {
  return { username: `u-${role}`, role, officerNo, disabled, createdAt: new Date(0), changedBy: 'console' };
}

function holders(p: Permission): AccountRole[] {
  return ACCOUNT_ROLES.filter((r) => can(r, p));
}

describe('permission matrix (R6)', () => {
  it('gives each role exactly the permissions of the contract', () => {
    assert.deepEqual([...ROLE_PERMISSIONS.officer].sort(), ['clips.search', 'footage.request', 'now.view']);
    assert.deepEqual([...ROLE_PERMISSIONS.admin].sort(), [
      'alerts.view',
      'now.view',
      'recorders.view',
      'users.manage',
    ]);
    assert.deepEqual([...ROLE_PERMISSIONS.auditor].sort(), [
      'accessLog.view',
      'alerts.view',
      'clips.search',
      'exports.view',
      'ledger.view',
      'lifecycle.view',
      'now.view',
      'recorders.view',
      'reports.view',
    ]);
    assert.equal(ROLE_PERMISSIONS.manager.length, 18);
    assert.equal(ROLE_PERMISSIONS.supervisor.length, 16);
    for (const role of ACCOUNT_ROLES)
      for (const p of ROLE_PERMISSIONS[role]) assert.ok(PERMISSIONS.includes(p), `${role}: ${p} is listed`);
  });

  it('keeps footage away from admin and auditor, and decisions with the supervisor alone', () => {
    assert.equal(can('admin', 'footage.request'), false);
    assert.equal(can('auditor', 'footage.request'), false);
    assert.deepEqual(holders('footage.request'), ['officer', 'manager', 'supervisor']);
    assert.deepEqual(holders('footage.decide'), ['supervisor']);
    assert.deepEqual(holders('users.manage'), ['admin']);
  });

  it('lets only the manager label clips, manage recorders and create exports', () => {
    assert.equal(can('auditor', 'clips.label'), false);
    assert.equal(can('supervisor', 'clips.label'), false);
    for (const p of [
      'clips.label',
      'recorders.manage',
      'exports.create',
      'alerts.resolve',
      'gaps.explain',
    ] as const)
      assert.deepEqual(holders(p), ['manager'], p);
  });

  it('lets the manager confirm purges and the supervisor approve them and lift holds (R3, R4)', () => {
    assert.deepEqual(holders('purge.confirm'), ['manager']);
    assert.deepEqual(holders('purge.approve'), ['supervisor']);
    assert.deepEqual(holders('holds.place'), ['manager', 'supervisor']);
    assert.deepEqual(holders('holds.lift'), ['supervisor']);
    assert.deepEqual(holders('lifecycle.view'), ['manager', 'supervisor', 'auditor']);
  });

  it('shows party names (labels.personal) to the manager and supervisor only (R11)', () => {
    assert.deepEqual(holders('labels.personal'), ['manager', 'supervisor']);
    assert.deepEqual(holders('accessLog.view'), ['supervisor', 'auditor']);
    assert.deepEqual(holders('ledger.export'), ['manager', 'supervisor']);
    assert.equal(
      ACCOUNT_ROLES.every((r) => can(r, 'now.view')),
      true,
    );
  });

  it('answers false for anything that is not a role, including prototype names', () => {
    for (const bad of ['root', '', '__proto__', 'constructor', 'toString', 'ADMIN'])
      assert.equal(can(bad as AccountRole, 'now.view'), false, bad);
    assert.equal(can('manager', 'no.such' as Permission), false);
    assert.equal(isAccountRole('supervisor'), true);
    assert.equal(isAccountRole(['admin']), false);
    assert.equal(isAccountRole(null), false);
  });

  it('throws AccessDeniedError naming the missing permission', () => {
    assert.doesNotThrow(() => requirePermission('supervisor', 'footage.decide'));
    assert.throws(
      () => requirePermission('manager', 'footage.decide'),
      (err: unknown) => err instanceof AccessDeniedError && /footage\.decide/.test(err.message),
    );
  });

  it('is frozen, so no caller can widen a role at run time', () => {
    assert.throws(() => (ROLE_PERMISSIONS.officer as Permission[]).push('users.manage'));
    assert.throws(() => {
      (ROLE_PERMISSIONS as Record<string, readonly Permission[]>).officer = ['users.manage'];
    });
    assert.equal(can('officer', 'users.manage'), false);
  });
});

describe('clip search scope', () => {
  it('limits an officer to their own clips and an officer without a number to none', () => {
    assert.deepEqual(clipSearchScope(account('officer', '310001')), { officerNo: '310001' });
    assert.equal(clipSearchScope(account('officer', null)), 'none');
  });

  it('gives searching roles all clips, admin and disabled accounts none', () => {
    assert.equal(clipSearchScope(account('manager', '310001')), 'all');
    assert.equal(clipSearchScope(account('supervisor')), 'all');
    assert.equal(clipSearchScope(account('auditor')), 'all');
    assert.equal(clipSearchScope(account('admin', '310001')), 'none');
    assert.equal(clipSearchScope(account('manager', null, true)), 'none');
  });
});
