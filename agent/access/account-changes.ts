import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AccountRecord } from '../ledger/access-records.ts';
import type { AccountChange, AccountProposal } from '../ledger/account-proposals.ts';
import type { AccountRole } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../ops/logger.ts';
import { type AccountService, checkOfficerNo, checkRole } from './accounts.ts';
import { AccountExistsError, OwnProposalError, UnknownProposalError } from './errors.ts';
import { checkPasswordPolicy, hashPassword } from './password.ts';
import { ACCOUNT_ROLES, can } from './permissions.ts';

/** Roles that see footage (their own, or by asking or approving): officer, manager, supervisor. */
export const FOOTAGE_ROLES: readonly AccountRole[] = ACCOUNT_ROLES.filter(
  (r) => can(r, 'footage.request') || can(r, 'footage.decide'),
);

/** Whether an account of this role sees footage. */
export function seesFootage(role: AccountRole): boolean {
  return FOOTAGE_ROLES.includes(role);
}

/** What a change made at the page did: saved at once, or waiting for a supervisor. */
export type ChangeOutcome = 'saved' | 'pending';

/** What AccountChanges needs. */
export interface AccountChangesDeps {
  readonly ledger: Ledger;
  readonly accounts: AccountService;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/**
 * Account changes made at the page (by the IT administrator, R6). A change that gives an account
 * footage (adding an officer, manager or supervisor, giving one of those roles, setting the
 * password of such an account, enabling one) waits for a supervisor's confirmation: otherwise the
 * administrator, who sees no footage, could make or take over an account that does. Changes that
 * give nothing (accounts of other roles, disabling) are saved at once. Nobody confirms a change
 * they proposed or one to their own account. `dockctl user` at the console is not a proposal:
 * whoever is root at the box can read the vault anyway.
 */
export class AccountChanges {
  private readonly ledger: Ledger;
  private readonly accounts: AccountService;
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(deps: AccountChangesDeps) {
    this.ledger = deps.ledger;
    this.accounts = deps.accounts;
    this.now = deps.now ?? (() => new Date());
    this.log = deps.logger ?? silentLogger();
  }

  /** Add an account: at once when its role sees no footage, else as a proposal. */
  async add(
    input: { username: string; role: AccountRole; officerNo: string | null; password: string },
    by: string,
  ): Promise<ChangeOutcome> {
    const checked = this.accounts.checkNew(input);
    if (!seesFootage(checked.role)) {
      await this.accounts.add({ ...checked, password: input.password, by });
      return 'saved';
    }
    checkPasswordPolicy(input.password, checked.username);
    const hash = await hashPassword(input.password);
    this.accounts.checkNew(input); // again after the await: the name or number may be taken now
    this.propose({ ...checked, change: 'add', passwordHash: hash }, by);
    return 'pending';
  }

  /** Set a password: at once for an account that sees no footage, else as a proposal. */
  async setPassword(username: string, password: string, by: string): Promise<ChangeOutcome> {
    const account = this.accounts.require(username);
    if (!seesFootage(account.role)) {
      await this.accounts.setPassword(username, password, by);
      return 'saved';
    }
    checkPasswordPolicy(password, account.username);
    const hash = await hashPassword(password);
    const current = this.accounts.require(username);
    this.propose({ ...fieldsOf(current), change: 'password', passwordHash: hash }, by);
    return 'pending';
  }

  /** Change a role: at once when the new role sees no footage, else as a proposal. */
  setRole(username: string, role: AccountRole, by: string): ChangeOutcome {
    const newRole = checkRole(role);
    const account = this.accounts.require(username);
    if (!seesFootage(newRole)) {
      this.accounts.setRole(username, newRole, by);
      return 'saved';
    }
    if (account.role === newRole) return 'saved';
    if (account.role === 'admin') this.accounts.keepAnAdmin(account);
    checkOfficerNo(newRole, account.officerNo);
    this.propose({ ...fieldsOf(account), role: newRole, change: 'role', passwordHash: null }, by);
    return 'pending';
  }

  /** Disable at once; enable at once only an account that sees no footage, else as a proposal. */
  setDisabled(username: string, disabled: boolean, by: string): ChangeOutcome {
    const account = this.accounts.require(username);
    if (disabled || !account.disabled || !seesFootage(account.role)) {
      this.accounts.setDisabled(username, disabled, by);
      return 'saved';
    }
    this.propose({ ...fieldsOf(account), change: 'enable', passwordHash: null }, by);
    return 'pending';
  }

  /** Changes waiting for a supervisor, oldest first. */
  pending(): AccountProposal[] {
    return this.ledger.accountProposals.list();
  }

  /** A supervisor confirms a pending change: it takes effect, recorded with both names. */
  confirm(id: string, by: string): AccountRecord {
    return this.ledger.transaction(() => {
      const p = this.ledger.accountProposals.find(id);
      if (!p) throw new UnknownProposalError();
      if (by === p.proposedBy || by === p.username) throw new OwnProposalError();
      const current = this.ledger.accessQueries.account(p.username);
      this.recheck(p, current);
      // A password or enabling keeps whatever role and number the account has by now.
      const keeps = current && (p.change === 'password' || p.change === 'enable');
      this.ledger.access.confirmAccountChange({
        proposal: keeps ? { ...p, role: current.role, officerNo: current.officerNo } : p,
        disabled: p.change === 'enable' ? false : (current?.disabled ?? false),
        confirmedBy: by,
      });
      if (p.passwordHash) {
        this.ledger.access.setPasswordHash(p.username, p.passwordHash);
        this.ledger.webSessions.deleteForUser(p.username);
      }
      this.ledger.accountProposals.delete(p.id);
      this.log.info({ change: p.change, role: p.role }, 'account change confirmed');
      return this.accounts.require(p.username);
    });
  }

  /** A supervisor refuses, or the administrator withdraws, a pending change: nothing happens. */
  refuse(id: string): void {
    if (!this.ledger.accountProposals.delete(id)) throw new UnknownProposalError();
    this.log.info('account change refused or withdrawn');
  }

  // The ledger may have moved on since the proposal: check it still applies as proposed.
  private recheck(p: AccountProposal, current: AccountRecord | null): void {
    if (p.change === 'add') {
      if (current) throw new AccountExistsError(current.username);
      if (p.officerNo !== null) this.accounts.refuseOfficerNoTaken(p.officerNo, p.username);
      return;
    }
    const account = current ?? this.accounts.require(p.username);
    if (p.change === 'role' && account.role === 'admin' && p.role !== 'admin')
      this.accounts.keepAnAdmin(account);
    checkOfficerNo(p.role, account.officerNo);
  }

  private propose(
    p: Omit<AccountProposal, 'id' | 'proposedBy' | 'proposedAt'> & { passwordHash: string | null },
    by: string,
  ): void {
    this.ledger.accountProposals.save({ ...p, id: randomUUID(), proposedBy: by }, this.now());
    this.log.info({ change: p.change, role: p.role }, 'account change waits for confirmation');
  }
}

function fieldsOf(a: AccountRecord): { username: string; role: AccountRole; officerNo: string | null } {
  return { username: a.username, role: a.role, officerNo: a.officerNo };
}

/** The kinds of change a proposal can be (for the page's words). */
export type { AccountChange };
