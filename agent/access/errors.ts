import { DockError } from '../errors.ts';
import { withWords } from '../i18n/error-words.ts';

/** A name from input, fit to repeat in a message: hostile or overlong text is not echoed. */
function shown(name: string): string {
  return /^[A-Za-z0-9._-]{1,32}$/.test(name) ? name : '(as given)';
}

/** A new password breaks the password policy; the message says which rule. */
export class WeakPasswordError extends DockError {
  constructor(
    rule: string,
    words?: { rule: 'text' | 'short' | 'long' | 'control' | 'kinds' | 'username'; n?: number },
  ) {
    super('WEAK_PASSWORD', `the password is not accepted (${rule}): choose another one`);
    if (words) withWords(this, `err.weakPassword.${words.rule}`, words.n === undefined ? {} : { n: words.n });
  }
}

/**
 * A login was refused. One message for an unknown user, a wrong password and a disabled account,
 * so that the answer does not tell which usernames exist.
 */
export class LoginRefusedError extends DockError {
  constructor() {
    super(
      'LOGIN_REFUSED',
      'the username or password is wrong, or the account is disabled: check both, or ask an administrator',
    );

    withWords(this, 'err.loginRefused');
  }
}

/** Too many failed logins for this username or from this address: wait before trying again. */
export class LoginThrottledError extends DockError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'LOGIN_THROTTLED',
      `too many failed logins: wait ${retryAfterSeconds} seconds before trying again, or ask an administrator`,
    );

    withWords(this, 'err.loginThrottled', { seconds: retryAfterSeconds });
  }
}

/** The account's role does not include a permission the action needs (R6). */
export class AccessDeniedError extends DockError {
  constructor(readonly permission: string) {
    super(
      'ACCESS_DENIED',
      `your role does not allow this (it needs the permission '${permission}'): ask an administrator or request access`,
    );

    withWords(this, 'err.accessDenied');
  }
}

/** An account with this username already exists. */
export class AccountExistsError extends DockError {
  constructor(readonly username: string) {
    super(
      'ACCOUNT_EXISTS',
      `the account ${shown(username)} already exists: choose another username, or change that account instead`,
    );

    withWords(this, 'err.accountExists', { username: shown(username) });
  }
}

/** No account has this username. */
export class UnknownAccountError extends DockError {
  constructor(readonly username: string) {
    super(
      'ACCOUNT_UNKNOWN',
      `there is no account ${shown(username)}: check the name in the list of accounts`,
    );

    withWords(this, 'err.accountUnknown', { username: shown(username) });
  }
}

/** A role name that is not one of the five roles. */
export class UnknownRoleError extends DockError {
  constructor(role: string, known: readonly string[]) {
    super('ROLE_UNKNOWN', `the role ${shown(role)} does not exist: use one of ${known.join(', ')}`);

    withWords(this, 'err.roleUnknown', { role: shown(role) });
  }
}

/** An account field that cannot be stored as given (username, officer number). */
export class AccountInputError extends DockError {
  constructor(message: string) {
    super('ACCOUNT_INPUT', message);
  }
}

/** The change would leave no enabled administrator, so nobody could manage accounts at the page. */
export class LastAdminError extends DockError {
  constructor(username: string) {
    super(
      'ACCOUNT_LAST_ADMIN',
      `${shown(username)} is the last enabled administrator: make another administrator first`,
    );

    withWords(this, 'err.lastAdmin', { username: shown(username) });
  }
}

/** An account names an officer number that no registered officer has. */
export class OfficerNotRegisteredError extends DockError {
  constructor(readonly officerNo: string) {
    super(
      'OFFICER_NOT_REGISTERED',
      `no officer ${shown(officerNo)} is registered: register the officer on the recorders page first, or check the number`,
    );

    withWords(this, 'err.officerNotRegistered', { no: shown(officerNo) });
  }
}

/** Another account (or a pending new one) already has this officer number. */
export class OfficerNoTakenError extends DockError {
  constructor(
    readonly officerNo: string,
    readonly holder: string,
  ) {
    super(
      'OFFICER_NO_TAKEN',
      `the officer number ${shown(officerNo)} already belongs to the account ${shown(holder)}: one officer has one account`,
    );

    withWords(this, 'err.officerNoTaken', { no: shown(officerNo), holder: shown(holder) });
  }
}

/** A change waiting for confirmation is not there (confirmed, refused or withdrawn meanwhile). */
export class UnknownProposalError extends DockError {
  constructor() {
    super('PROPOSAL_UNKNOWN', 'this account change is no longer waiting: reload the page');

    withWords(this, 'err.proposalUnknown');
  }
}

/** Nobody confirms an account change they proposed, or one to their own account. */
export class OwnProposalError extends DockError {
  constructor() {
    super(
      'PROPOSAL_OWN',
      'nobody may confirm an account change they proposed or a change to their own account: ask another supervisor',
    );

    withWords(this, 'err.proposalOwn');
  }
}

/** The account cannot sign this gap explanation (R9). */
export class NotASignerError extends DockError {
  constructor(who: string, why: string) {
    super(
      'GAP_NOT_A_SIGNER',
      `${shown(who)} ${why}: only the named officers sign, each with their own account`,
    );

    withWords(this, 'err.notASigner', { who: shown(who) });
  }
}
