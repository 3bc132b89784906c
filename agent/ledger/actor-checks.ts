import type { Database } from 'better-sqlite3';
import { LedgerStateError } from './errors.ts';
import type { AccountRole } from './event-types.ts';
import { requireText } from './input-checks.ts';
import { cachedStatement } from './statement-cache.ts';

/**
 * The username of an active account with one of `roles`, or a LedgerStateError naming what is
 * missing: lifecycle decisions (holds, purges) are made by named people in named roles.
 */
export function requireActor(
  db: Database,
  field: string,
  username: unknown,
  roles: readonly AccountRole[],
  what: string,
): string {
  const name = requireText(field, username);
  const row = cachedStatement(db, 'SELECT role, disabled FROM accounts WHERE username = ?').get(name) as
    | { role: AccountRole; disabled: number }
    | undefined;
  if (!row || row.disabled === 1)
    throw new LedgerStateError(`${name} has no active account: ${what} needs a named ${roles.join(' or ')}`);
  if (!roles.includes(row.role))
    throw new LedgerStateError(`${name} is a ${row.role}: ${what} needs a ${roles.join(' or ')}`);
  return name;
}
