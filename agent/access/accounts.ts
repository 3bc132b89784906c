import type { Logger } from 'pino';
import { withWords } from '../i18n/error-words.ts';
import type { AccountRecord } from '../ledger/access-records.ts';
import { USERNAME_PATTERN } from '../ledger/access-writes.ts';
import type { AccountRole } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../ops/logger.ts';
import {
  AccountExistsError,
  AccountInputError,
  LastAdminError,
  LoginRefusedError,
  LoginThrottledError,
  OfficerNoTakenError,
  OfficerNotRegisteredError,
  UnknownAccountError,
  UnknownRoleError,
} from './errors.ts';
import { LoginThrottle } from './login-throttle.ts';
import {
  checkPasswordPolicy,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
} from './password.ts';
import { ACCOUNT_ROLES, isAccountRole } from './permissions.ts';

/** Officer numbers (警号) on accounts: letters, digits, '-' or '_', 1 to 32 characters. */
export const OFFICER_NO_PATTERN = /^[\p{L}\p{N}_-]{1,32}$/u;

/** What `changedBy` says for changes made with dockctl at the dock's console. */
export const CONSOLE_ACTOR = 'console';

/** Usernames nobody may take, because records use them for something else. */
const RESERVED_USERNAMES = new Set([CONSOLE_ACTOR]);

/** What AccountService needs. */
export interface AccountServiceDeps {
  readonly ledger: Ledger;
  readonly now?: () => Date;
  /** Shared by every login of the process; default: a new one on `now`. */
  readonly throttle?: LoginThrottle;
  /** Logs outcomes only: never usernames, passwords, hashes or tokens. */
  readonly logger?: Logger;
}

/**
 * Local accounts of the page and dockctl (R6): creating them, passwords, roles, disabling, and
 * checking a login. Every account change is an event in the ledger's chain; password hashes are
 * stored beside it, never in it.
 */
export class AccountService {
  private readonly ledger: Ledger;
  private readonly throttle: LoginThrottle;
  private readonly log: Logger;

  constructor(deps: AccountServiceDeps) {
    this.ledger = deps.ledger;
    this.throttle = deps.throttle ?? new LoginThrottle({ now: deps.now });
    this.log = deps.logger ?? silentLogger();
  }

  /**
   * Check a new account's username (allowed, not reserved, not taken in any letter case), role
   * and officer number before asking for its password; returns them as they would be stored.
   */
  checkNew(input: { username: string; role: AccountRole; officerNo?: string | null }): {
    username: string;
    role: AccountRole;
    officerNo: string | null;
  } {
    const username = checkNewUsername(input.username);
    this.refuseTaken(username);
    const role = checkRole(input.role);
    const officerNo = checkOfficerNo(role, input.officerNo ?? null);
    if (officerNo !== null) this.refuseOfficerNoTaken(officerNo);
    return { username, role, officerNo };
  }

  /**
   * An account's officer number must be a registered officer's and belong to no other account or
   * pending new account: a second account on it would see that officer's footage as its own (R6).
   */
  refuseOfficerNoTaken(officerNo: string, except: string | null = null): void {
    if (!this.ledger.find.officer(officerNo)) throw new OfficerNotRegisteredError(officerNo);
    const holder =
      this.ledger.accessQueries.accounts().find((a) => a.officerNo === officerNo && a.username !== except) ??
      this.ledger.accountProposals
        .list()
        .find((p) => p.change === 'add' && p.officerNo === officerNo && p.username !== except);
    if (holder) throw new OfficerNoTakenError(officerNo, holder.username);
  }

  /** Create an account with a password that meets the policy. */
  async add(input: {
    username: string;
    role: AccountRole;
    password: string;
    officerNo?: string | null;
    by: string | null;
  }): Promise<AccountRecord> {
    const { username, role, officerNo } = this.checkNew(input);
    checkPasswordPolicy(input.password, username);
    const hash = await hashPassword(input.password);
    this.ledger.transaction(() => {
      // Checked again after the await: another request may have taken the name meanwhile.
      this.refuseTaken(username);
      this.ledger.access.saveAccountWithPassword(
        { username, role, officerNo, disabled: false, changedBy: input.by },
        hash,
      );
    });
    this.log.info({ role }, 'account added');
    return this.require(username);
  }

  /** Give an account a new password (meeting the policy); ends all of its sessions. */
  async setPassword(username: string, password: string, by: string): Promise<void> {
    this.require(username);
    checkPasswordPolicy(password, username);
    const hash = await hashPassword(password);
    this.ledger.transaction(() => {
      this.require(username);
      this.ledger.access.setPasswordHash(username, hash);
      this.ledger.webSessions.deleteForUser(username);
    });
    this.log.info({ console: by === CONSOLE_ACTOR }, 'account password changed');
  }

  /** Change an account's role. Refuses to take the role from the last enabled admin. */
  setRole(username: string, role: AccountRole, by: string): AccountRecord {
    const newRole = checkRole(role);
    return this.ledger.transaction(() => {
      const account = this.require(username);
      if (account.role === 'admin' && newRole !== 'admin') this.keepAnAdmin(account);
      checkOfficerNo(newRole, account.officerNo);
      this.ledger.access.saveAccount({ ...accountInput(account), role: newRole, changedBy: by });
      this.log.info({ role: newRole }, 'account role changed');
      return this.require(username);
    });
  }

  /** Disable or enable an account. Disabling ends its sessions; the last enabled admin stays. */
  setDisabled(username: string, disabled: boolean, by: string): AccountRecord {
    return this.ledger.transaction(() => {
      const account = this.require(username);
      if (disabled && account.role === 'admin' && !account.disabled) this.keepAnAdmin(account);
      this.ledger.access.saveAccount({ ...accountInput(account), disabled, changedBy: by });
      if (disabled) this.ledger.webSessions.deleteForUser(username);
      this.log.info({ disabled }, disabled ? 'account disabled' : 'account enabled');
      return this.require(username);
    });
  }

  /**
   * Check a login. Throws LoginThrottledError while the username or address is locked, and
   * LoginRefusedError (one message) for an unknown user, a wrong password or a disabled account.
   * An unknown user costs the same scrypt work as a known one, so timing does not tell them apart.
   * The attempt is counted before the awaited password check, so parallel guesses share the limit.
   */
  async authenticate(username: string, password: string, remote: string): Promise<AccountRecord> {
    const name = typeof username === 'string' ? username : '';
    const attempt = this.throttle.begin(name, remote);
    if (attempt.retryAfterSeconds > 0) {
      this.log.warn({ remote, retryAfterSeconds: attempt.retryAfterSeconds }, 'login throttled');
      throw new LoginThrottledError(attempt.retryAfterSeconds);
    }
    let account: AccountRecord | null = null;
    try {
      account = await this.check(name, password);
    } finally {
      if (account) this.throttle.succeeded(attempt);
      else this.throttle.failed(attempt);
    }
    if (!account) {
      this.log.info({ remote }, 'login refused');
      throw new LoginRefusedError();
    }
    this.log.info({ remote, role: account.role }, 'login accepted');
    return account;
  }

  /** The account when the password is right and the account enabled, else null. */
  private async check(name: string, password: string): Promise<AccountRecord | null> {
    const known = USERNAME_PATTERN.test(name);
    const stored = known ? this.ledger.accessQueries.passwordHash(name) : null;
    const given = typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH * 4 ? password : '';
    const matches = await verifyPassword(given, stored ?? DUMMY_PASSWORD_HASH);
    // Read after the await: the account may have been disabled while scrypt ran.
    const account = known ? this.ledger.accessQueries.account(name) : null;
    if (!account || stored === null || !matches || account.disabled || given === '') return null;
    return account;
  }

  /** Every account, by username. */
  list(): AccountRecord[] {
    return this.ledger.accessQueries.accounts();
  }

  /** The account, or UnknownAccountError. */
  require(username: string): AccountRecord {
    const account =
      typeof username === 'string' && USERNAME_PATTERN.test(username)
        ? this.ledger.accessQueries.account(username)
        : null;
    if (!account) throw new UnknownAccountError(String(username));
    return account;
  }

  // 'Admin' beside 'admin' would be two accounts people cannot tell apart; a pending new account
  // holds its name too.
  private refuseTaken(username: string): void {
    const lower = username.toLowerCase();
    const taken =
      this.ledger.accessQueries.accounts().find((a) => a.username.toLowerCase() === lower) ??
      this.ledger.accountProposals
        .list()
        .find((p) => p.change === 'add' && p.username.toLowerCase() === lower);
    if (taken) throw new AccountExistsError(taken.username);
  }

  /** Refuse to take the admin role from the last enabled admin. */
  keepAnAdmin(leaving: AccountRecord): void {
    const others = this.ledger.accessQueries
      .accounts()
      .filter((a) => a.role === 'admin' && !a.disabled && a.username !== leaving.username);
    if (others.length === 0) throw new LastAdminError(leaving.username);
  }
}

function accountInput(a: AccountRecord) {
  return { username: a.username, role: a.role, officerNo: a.officerNo, disabled: a.disabled };
}

function checkNewUsername(username: unknown): string {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username))
    throw withWords(
      new AccountInputError(
        'the username is not allowed: use 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      ),
      'err.username.bad',
    );
  if (RESERVED_USERNAMES.has(username.toLowerCase()))
    throw withWords(
      new AccountInputError(`the username ${username} is reserved: choose another one`),
      'err.username.reserved',
      { username },
    );
  return username;
}

/** A role, or UnknownRoleError. */
export function checkRole(role: unknown): AccountRole {
  if (!isAccountRole(role)) throw new UnknownRoleError(String(role), ACCOUNT_ROLES);
  return role;
}

/** The officer number an account of `role` may have: required for officers, else optional. */
export function checkOfficerNo(role: AccountRole, officerNo: unknown): string | null {
  const value = typeof officerNo === 'string' ? officerNo.trim() : officerNo;
  if (value === null || value === undefined || value === '') {
    if (role === 'officer')
      throw withWords(
        new AccountInputError(
          "an officer's account needs the officer number (人员编号): give it with the officer number field (--officer NO)",
        ),
        'err.officerNo.required',
      );
    return null;
  }
  if (typeof value !== 'string' || !OFFICER_NO_PATTERN.test(value))
    throw withWords(
      new AccountInputError(
        'the officer number is not allowed: use 1 to 32 letters, digits, dashes or underscores',
      ),
      'err.officerNo.bad',
    );
  return value;
}
