import type { Database } from 'better-sqlite3';
import { withWords } from '../i18n/error-words.ts';
import { saveAccount } from './access-writes.ts';
import { LedgerStateError } from './errors.ts';
import type { AccountRole } from './event-types.ts';
import { requireOneOf, requireText } from './input-checks.ts';
import { cachedStatement } from './statement-cache.ts';
import type { WriteContext } from './write-context.ts';

/** What an account change proposed at the page does. */
export type AccountChange = 'add' | 'role' | 'password' | 'enable';

/** Every kind of account change that waits for a confirmation. */
export const ACCOUNT_CHANGES: readonly AccountChange[] = ['add', 'role', 'password', 'enable'];

/** An account change waiting for a supervisor's confirmation (R6). No password material. */
export interface AccountProposal {
  readonly id: string;
  readonly username: string;
  readonly change: AccountChange;
  /** The role the account has once confirmed. */
  readonly role: AccountRole;
  readonly officerNo: string | null;
  readonly proposedBy: string;
  readonly proposedAt: Date;
}

/** A proposal to store; `passwordHash` for an added account or a password reset. */
export interface AccountProposalInput extends Omit<AccountProposal, 'proposedAt'> {
  readonly passwordHash: string | null;
}

type Row = Record<string, unknown>;

function proposalFromRow(r: Row): AccountProposal {
  return {
    id: r.id as string,
    username: r.username as string,
    change: r.change as AccountChange,
    role: r.role as AccountRole,
    officerNo: r.officer_no as string | null,
    proposedBy: r.proposed_by as string,
    proposedAt: new Date(r.proposed_at as number),
  };
}

/**
 * Account changes made at the page that wait for a second person. Like password hashes, they are
 * kept beside the chain, not in it: only a confirmed change is history (account.saved and
 * account.confirmed, in one transaction).
 */
export class AccountProposalStore {
  constructor(private readonly db: Database) {}

  /** Store a proposal, replacing a pending one of the same change to the same account. */
  save(p: AccountProposalInput, at: Date): void {
    cachedStatement(
      this.db,
      `INSERT INTO account_proposals (id, username, change, role, officer_no, password_hash, proposed_by, proposed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (username, change) DO UPDATE SET id = excluded.id, role = excluded.role,
         officer_no = excluded.officer_no, password_hash = excluded.password_hash,
         proposed_by = excluded.proposed_by, proposed_at = excluded.proposed_at`,
    ).run(
      requireText('id', p.id),
      requireText('username', p.username),
      requireOneOf('change', p.change, ACCOUNT_CHANGES),
      p.role,
      p.officerNo,
      p.passwordHash,
      requireText('proposedBy', p.proposedBy),
      at.getTime(),
    );
  }

  /** Pending proposals, oldest first. */
  list(): AccountProposal[] {
    return (
      cachedStatement(this.db, 'SELECT * FROM account_proposals ORDER BY proposed_at, id').all() as Row[]
    ).map(proposalFromRow);
  }

  /** One pending proposal with its password hash, or null. */
  find(id: string): (AccountProposal & { passwordHash: string | null }) | null {
    const row = cachedStatement(this.db, 'SELECT * FROM account_proposals WHERE id = ?').get(id) as
      | Row
      | undefined;
    return row ? { ...proposalFromRow(row), passwordHash: row.password_hash as string | null } : null;
  }

  /** Forget a proposal (confirmed, refused or withdrawn). */
  delete(id: string): boolean {
    return cachedStatement(this.db, 'DELETE FROM account_proposals WHERE id = ?').run(id).changes === 1;
  }
}

/** A confirmation of a pending account change by a second person. */
export interface AccountConfirmationInput {
  readonly proposal: AccountProposal;
  /** The account as it is saved once confirmed. */
  readonly disabled: boolean;
  readonly confirmedBy: string;
}

/**
 * Save the proposed account state (changedBy: the proposer) and record who confirmed it
 * (account.confirmed). Nobody confirms a change they proposed or a change to their own account.
 */
export function confirmAccountChange(ctx: WriteContext, input: AccountConfirmationInput): void {
  const { proposal: p } = input;
  const confirmedBy = requireText('confirmedBy', input.confirmedBy);
  if (confirmedBy === p.proposedBy || confirmedBy === p.username)
    throw withWords(
      new LedgerStateError(
        'nobody may confirm an account change they proposed or a change to their own account: ask another supervisor',
      ),
      'err.proposalOwn',
    );
  saveAccount(ctx, {
    username: p.username,
    role: p.role,
    officerNo: p.officerNo,
    disabled: input.disabled,
    changedBy: p.proposedBy,
  });
  const at = ctx.now();
  ctx.events.append(
    'account.confirmed',
    {
      username: p.username,
      change: p.change,
      proposedBy: p.proposedBy,
      proposedAt: p.proposedAt.toISOString(),
      confirmedBy,
      confirmedAt: at.toISOString(),
    },
    at,
  );
}
