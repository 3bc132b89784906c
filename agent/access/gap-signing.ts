import type { AccountRecord } from '../ledger/access-records.ts';
import type { GapSignMethod } from '../ledger/event-types.ts';
import type { GapDraft } from '../ledger/gap-signatures.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AccountService } from './accounts.ts';
import { NotASignerError } from './errors.ts';

/** What a signature did: the draft as it stands, and whether the explanation is now complete. */
export interface SignOutcome {
  readonly draft: GapDraft;
  readonly complete: boolean;
}

/**
 * R9: each officer named on a gap explanation signs it with their own password. Signed with
 * their own login at the page (the login was the password), in person at the equipment manager's
 * page or at the console (the password typed there and checked like a login, throttled). The
 * account must be enabled and hold the signer's officer number; nobody signs for another.
 */
export class GapSigning {
  constructor(
    private readonly ledger: Ledger,
    private readonly accounts: AccountService,
  ) {}

  /** Sign as the logged-in account's officer. */
  signWithLogin(account: AccountRecord, alertId: string): SignOutcome {
    return this.sign(account, alertId, 'own-login');
  }

  /** Sign in person: the signer gives their username and password at someone else's page. */
  async signInPerson(
    alertId: string,
    username: string,
    password: string,
    remote: string,
  ): Promise<SignOutcome> {
    const account = await this.accounts.authenticate(username, password, remote);
    return this.sign(account, alertId, 'in-person');
  }

  /** Sign at the dock's console as the officer `officerNo`, with the password of their account. */
  async signAtConsole(alertId: string, officerNo: string, password: string): Promise<SignOutcome> {
    const holder = this.ledger.accessQueries.accounts().find((a) => a.officerNo === officerNo);
    if (!holder) throw new NotASignerError(officerNo, 'has no account to sign with: create one first');
    const account = await this.accounts.authenticate(holder.username, password, 'console');
    return this.sign(account, alertId, 'console');
  }

  private sign(account: AccountRecord, alertId: string, method: GapSignMethod): SignOutcome {
    const current = this.ledger.accessQueries.account(account.username);
    if (!current || current.disabled || current.officerNo === null)
      throw new NotASignerError(
        account.officerNo ?? account.username,
        'has no officer number on an enabled account',
      );
    return this.ledger.gaps.sign({
      alertId,
      officerNo: current.officerNo,
      username: current.username,
      method,
    });
  }
}
