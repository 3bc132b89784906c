import { ACCOUNT_ROLES } from '../ledger/access-writes.ts';
import type { AccountRole } from '../ledger/event-types.ts';
import { AccessDeniedError } from './errors.ts';

/** Every permission, in the order of the matrix in agent/access/README.md. */
export const PERMISSIONS = [
  'now.view',
  'ledger.view',
  'ledger.export',
  'recorders.view',
  'recorders.manage',
  'alerts.view',
  'alerts.resolve',
  'gaps.explain',
  'clips.search',
  'clips.label',
  // May see party names (当事人) in labels (R11).
  'labels.personal',
  'footage.request',
  'footage.decide',
  'exports.create',
  'exports.view',
  'reports.view',
  'accessLog.view',
  'users.manage',
  // The footage lifecycle (R3, R4): retention, copies and purges seen; holds placed and lifted;
  // purges confirmed (manager) and approved for evidence (supervisor).
  'lifecycle.view',
  'holds.place',
  'holds.lift',
  'purge.confirm',
  'purge.approve',
] as const;

/** Something an account may do at the page or through dockctl (R6). */
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What each role may do. Footage itself is never a permission: viewing or exporting a clip is
 * decided per clip by footage-policy.ts (own footage, or an approved request).
 */
export const ROLE_PERMISSIONS: Readonly<Record<AccountRole, readonly Permission[]>> = Object.freeze({
  // Officers search their own clips only (clipSearchScope) and ask for anything else.
  officer: Object.freeze(['now.view', 'clips.search', 'footage.request'] as const),
  manager: Object.freeze([
    'now.view',
    'ledger.view',
    'ledger.export',
    'recorders.view',
    'recorders.manage',
    'alerts.view',
    'alerts.resolve',
    'gaps.explain',
    'clips.search',
    'clips.label',
    'labels.personal',
    'footage.request',
    'exports.create',
    'exports.view',
    'reports.view',
    'lifecycle.view',
    'holds.place',
    'purge.confirm',
  ] as const),
  supervisor: Object.freeze([
    'now.view',
    'ledger.view',
    'ledger.export',
    'recorders.view',
    'alerts.view',
    'clips.search',
    'labels.personal',
    'footage.request',
    'footage.decide',
    'exports.view',
    'reports.view',
    'accessLog.view',
    'lifecycle.view',
    'holds.place',
    'holds.lift',
    'purge.approve',
  ] as const),
  // Read-only: no footage and no personal labels.
  auditor: Object.freeze([
    'now.view',
    'ledger.view',
    'recorders.view',
    'alerts.view',
    'clips.search',
    'exports.view',
    'reports.view',
    'accessLog.view',
    'lifecycle.view',
  ] as const),
  // Manages accounts; sees no footage by default.
  admin: Object.freeze(['now.view', 'recorders.view', 'alerts.view', 'users.manage'] as const),
});

/** True when `value` is one of the five roles (safe on any input, including '__proto__'). */
export function isAccountRole(value: unknown): value is AccountRole {
  return typeof value === 'string' && (ACCOUNT_ROLES as readonly string[]).includes(value);
}

/** Whether `role` has permission `p`. False for anything that is not a role. */
export function can(role: AccountRole, p: Permission): boolean {
  return isAccountRole(role) && ROLE_PERMISSIONS[role].includes(p);
}

/** Throw AccessDeniedError unless `role` has permission `p`. */
export function requirePermission(role: AccountRole, p: Permission): void {
  if (!can(role, p)) throw new AccessDeniedError(p);
}

/** The five roles, in the order the page lists them. */
export { ACCOUNT_ROLES };
