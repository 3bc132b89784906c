import { AccountService, CONSOLE_ACTOR } from '../access/accounts.ts';
import { UnknownRoleError } from '../access/errors.ts';
import { checkPasswordPolicy } from '../access/password.ts';
import { ACCOUNT_ROLES, isAccountRole } from '../access/permissions.ts';
import { DockError } from '../errors.ts';
import type { DomainKey } from '../i18n/domain.ts';
import { errorText } from '../i18n/error-words.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';
import type { AccountRecord } from '../ledger/access-records.ts';
import type { AccountRole } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { openCliLedger } from './cli-ledger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';
import {
  isTerminal,
  type PasswordInput,
  PasswordMismatchError,
  promptHidden,
  readFirstLine,
} from './password-prompt.ts';
import { formatTable } from './table.ts';

const USAGE = `usage: dockctl user add NAME --role ROLE [--officer NO] [--password-stdin]
       dockctl user list [--json]
       dockctl user passwd NAME [--password-stdin]
       dockctl user role NAME ROLE
       dockctl user disable NAME
       dockctl user enable NAME
${SHARED_USAGE}  --json             machine-readable output
  --role ROLE        ${ACCOUNT_ROLES.join(', ')}
  --officer NO       the officer number (人员编号) of an officer's own account
  --password-stdin   read the password from the first line of stdin
On a terminal the password is asked twice and not shown. It is never taken as an argument.
The first account is made at the console: dockctl user add admin --role admin
`;

/** dockctl's io, optionally with the stdin to read passwords from (default process.stdin). */
export type UserCliIo = CliIo & { readonly stdin?: PasswordInput };

type Values = { role?: string; officer?: string; 'password-stdin'?: boolean; json?: boolean };
type Outcome = { message: Said; data: unknown } | { table: string; data: unknown };

/** The usage in the reader's language. */
const usage = (lang: Lang) => commandHelp(userCommand, USAGE, lang).usage;

/** `dockctl user …`: local accounts of the page (R6), managed at the dock's console. */
export const userCommand: CliCommand = {
  name: 'user',
  summary: 'accounts of the page: add, list, passwd, role, disable, enable',
  async run(io: UserCliIo): Promise<number> {
    const lang = langFromEnv(io.env);
    // A password in argv would land in shell history and in `ps`: refuse it without echoing it.
    if (io.argv.some((a) => /^--?(password|pass|pw)(=|$)/i.test(a))) {
      io.stderr.write(`dockctl user: ${sayIn(lang, said('cli.user.noPasswordArg'))}\n`);
      return ExitCode.usage;
    }
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(io.argv, io.env);
    } catch (err) {
      // Values after '=' are not repeated: a mistyped option may carry a secret.
      const message = (err as Error).message.replace(/=[^'"\s]*/g, '=…').split('\n')[0];
      io.stderr.write(`dockctl user: ${message}\n${usage(lang)}`);
      return ExitCode.usage;
    }
    if (parsed.values.help) {
      io.stdout.write(usage(lang));
      return ExitCode.ok;
    }
    const [action, ...args] = parsed.positionals;
    try {
      checkArity(action, args, parsed.values, lang);
    } catch (err) {
      return fail(io, err);
    }
    let ledger: Ledger;
    let view: CliView;
    try {
      const config = await commandConfig(parsed.values, io.env);
      view = cliView(config, io.env);
      ledger = await openCliLedger(config);
    } catch (err) {
      const code = configErrorExit(io, err);
      if (code !== null) return code;
      io.stderr.write(`dockctl user: ${errorText(lang, err)}\n`);
      return ExitCode.noInput;
    }
    try {
      const service = new AccountService({ ledger });
      const outcome = await perform(service, io, action as string, args, parsed.values, view);
      if (parsed.values.json) io.stdout.write(`${JSON.stringify(outcome.data, null, 2)}\n`);
      else io.stdout.write('table' in outcome ? outcome.table : `${sayIn(lang, outcome.message)}\n`);
      return ExitCode.ok;
    } catch (err) {
      return fail(io, err);
    } finally {
      ledger.close();
    }
  },
};

function parse(argv: readonly string[], env: NodeJS.ProcessEnv) {
  return parseCommandLine(
    argv,
    {
      json: { type: 'boolean' },
      role: { type: 'string' },
      officer: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    env,
  );
}

const ARITY: Record<string, number> = { add: 1, list: 0, passwd: 1, role: 2, disable: 1, enable: 1 };

function checkArity(action: string | undefined, args: string[], values: Values, lang: Lang): void {
  const refusal = (key: Parameters<typeof said>[0], params?: Record<string, string>) =>
    new UsageError(said(key, params), lang);
  if (action === undefined || !Object.hasOwn(ARITY, action))
    throw refusal(action === undefined ? 'cli.user.noAction' : 'cli.user.unknownAction');
  // Extra arguments are not echoed: one of them may be a password typed in the wrong place.
  if (args.length > (ARITY[action] as number)) throw refusal('cli.user.tooMany', { action });
  if (args.length < (ARITY[action] as number)) throw refusal('cli.user.tooFew', { action });
  if (action === 'add' && values.role === undefined) throw refusal('cli.user.noRole');
  if (action !== 'add' && (values.role !== undefined || values.officer !== undefined))
    throw refusal('cli.user.addOnly');
  const role = action === 'add' ? values.role : action === 'role' ? args[1] : undefined;
  if (role !== undefined && !isAccountRole(role)) throw new UnknownRoleError(role, ACCOUNT_ROLES);
}

async function perform(
  service: AccountService,
  io: UserCliIo,
  action: string,
  [name = '', roleArg]: string[],
  values: Values,
  view: CliView,
): Promise<Outcome> {
  switch (action) {
    case 'list': {
      const accounts = service.list();
      return { table: accountsTable(accounts, view), data: accounts };
    }
    case 'add': {
      // Checked before the password is asked for, so nobody types one for nothing.
      const input = service.checkNew({
        username: name,
        role: values.role as AccountRole,
        officerNo: values.officer,
      });
      const password = await newPassword(io, values, input.username, view.lang);
      const account = await service.add({ ...input, password, by: CONSOLE_ACTOR });
      const role = roleName(account.role, view.lang);
      return { message: said('cli.user.added', { username: account.username, role }), data: account };
    }
    case 'passwd': {
      const account = service.require(name);
      await service.setPassword(
        account.username,
        await newPassword(io, values, account.username, view.lang),
        CONSOLE_ACTOR,
      );
      return {
        message: said('cli.user.passwordChanged', { username: account.username }),
        data: service.require(name),
      };
    }
    case 'role': {
      const account = service.setRole(name, roleArg as AccountRole, CONSOLE_ACTOR);
      const role = roleName(account.role, view.lang);
      return { message: said('cli.user.roleSet', { username: account.username, role }), data: account };
    }
    default: {
      const disabled = action === 'disable';
      const account = service.setDisabled(name, disabled, CONSOLE_ACTOR);
      const message = said(disabled ? 'cli.user.disabled' : 'cli.user.enabled', {
        username: account.username,
      });
      return { message, data: account };
    }
  }
}

/** A new password: asked twice without echo on a terminal, or the first line of stdin. */
async function newPassword(io: UserCliIo, values: Values, username: string, lang: Lang): Promise<string> {
  const stdin: PasswordInput = io.stdin ?? process.stdin;
  const ask = (key: Parameters<typeof said>[0]) => sayIn(lang, said(key, { username }));
  if (values['password-stdin'])
    return isTerminal(stdin)
      ? promptHidden(stdin, io.stderr, ask('cli.user.promptPassword'))
      : readFirstLine(stdin);
  if (!isTerminal(stdin)) throw new UsageError(said('cli.user.noTerminal'), lang);
  const first = await promptHidden(stdin, io.stderr, ask('cli.user.promptNew'));
  checkPasswordPolicy(first, username);
  const second = await promptHidden(stdin, io.stderr, ask('cli.user.promptAgain'));
  if (first !== second) throw new PasswordMismatchError();
  return first;
}

function accountsTable(accounts: readonly AccountRecord[], view: CliView): string {
  if (accounts.length === 0) return `${view.t('cli.noAccounts')}\n`;
  return (
    formatTable(
      ['username', 'role', 'officer', 'state', 'created', 'changedBy'].map((c) =>
        view.t(`cli.user.col.${c}` as DomainKey),
      ),
      accounts.map((a) => [
        a.username,
        roleName(a.role, view.lang),
        a.officerNo,
        view.t(a.disabled ? 'cli.user.stateDisabled' : 'cli.user.stateEnabled'),
        view.time(a.createdAt),
        a.changedBy === CONSOLE_ACTOR ? view.t('cli.user.console') : a.changedBy,
      ]),
    ) + view.zoneNote
  );
}

/** A role as the reader's language names it (the code itself in English, as --role takes it). */
function roleName(role: AccountRole, lang: Lang): string {
  return sayIn(lang, said(`cli.user.role.${role}`));
}

function fail(io: CliIo, err: unknown): number {
  const lang = langFromEnv(io.env);
  if (err instanceof UsageError) {
    io.stderr.write(`dockctl user: ${err.message}\n${usage(lang)}`);
    return ExitCode.usage;
  }
  if (err instanceof DockError) {
    io.stderr.write(`dockctl user: ${errorText(lang, err)}\n`);
    return ExitCode.dataErr;
  }
  throw err;
}
