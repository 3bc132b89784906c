import type { AccountRecord } from '../ledger/access-records.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { can } from './permissions.ts';

/** Whether an account may view or export one clip, and on what basis (R6). */
export type FootageDecision =
  | { allowed: true; basis: 'own' | 'approval'; requestId: string | null }
  | { allowed: false; reason: 'not-own' | 'no-footage-role' | 'clip-unknown' };

/** Roles that never see footage as their own, even with an officer number. */
const NO_OWN_FOOTAGE: ReadonlySet<string> = new Set(['admin', 'auditor']);

/**
 * R6: may `account` view or export `clipId` at `at`? Allowed when the clip was docked in a
 * session of the account's own officer number (not for admin or auditor, and not when another
 * account holds the same number), or under an approved,
 * unexpired request of this account that names the clip (an export approval also covers
 * viewing). Roles that may not even ask for footage (admin, auditor) and disabled accounts get
 * 'no-footage-role' before the clip is looked up, so the answer does not reveal which clips exist.
 */
export function footageAccess(
  ledger: Ledger,
  account: AccountRecord,
  clipId: string,
  purpose: 'view' | 'export',
  at: Date,
): FootageDecision {
  if (account.disabled || !can(account.role, 'footage.request'))
    return { allowed: false, reason: 'no-footage-role' };
  if (purpose !== 'view' && purpose !== 'export') return { allowed: false, reason: 'not-own' };
  const clip = typeof clipId === 'string' && clipId !== '' ? ledger.accessQueries.clip(clipId) : null;
  if (!clip) return { allowed: false, reason: 'clip-unknown' };
  if (
    account.officerNo !== null &&
    !NO_OWN_FOOTAGE.has(account.role) &&
    clip.officerNo !== null &&
    clip.officerNo === account.officerNo &&
    // An officer number on two accounts (a ledger from before numbers were unique) is nobody's own.
    ledger.accessQueries.accountsWithOfficerNo(account.officerNo) === 1
  ) {
    return { allowed: true, basis: 'own', requestId: null };
  }
  const approval = ledger.accessQueries.approvalFor(account.username, clip.id, purpose, at);
  if (approval) return { allowed: true, basis: 'approval', requestId: approval.id };
  return { allowed: false, reason: 'not-own' };
}

/**
 * Which clips an account may search: an officer their own (by officer number), the roles with
 * `clips.search` all of them, everyone else (and disabled accounts) none.
 */
export function clipSearchScope(account: AccountRecord): { officerNo: string } | 'all' | 'none' {
  if (account.disabled || !can(account.role, 'clips.search')) return 'none';
  if (account.role === 'officer') return account.officerNo ? { officerNo: account.officerNo } : 'none';
  return 'all';
}
