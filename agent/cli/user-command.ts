import { AccountService, CONSOLE_ACTOR } from '../access/accounts.ts';
import { UnknownRoleError } from '../access/errors.ts';
import { checkPasswordPolicy } from '../access/password.ts';
import { ACCOUNT_ROLES, isAccountRole } from '../access/permissions.ts';
import { DockError } from '../errors.ts';
import type { AccountRecord } from '../ledger/access-records.ts';
import type { AccountRole } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { openCliLedger } from './cli-ledger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import {
  isTerminal,
  type PasswordInput,
  PasswordMismatchError,
  promptHidden,
  readFirstLine,
} from './password-prompt.ts';
import { formatTable, shortTime } from './table.ts';

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
type Outcome = { message: string; data: unknown } | { table: string; data: unknown };

/** `dockctl user …`: local accounts of the page (R6), managed at the dock's console. */
export const userCommand: CliCommand = {
  name: 'user',
  summary: 'accounts of the page: add, list, passwd, role, disable, enable',
  async run(io: UserCliIo): Promise<number> {
    // A password in argv would land in shell history and in `ps`: refuse it without echoing it.
    if (io.argv.some((a) => /^--?(password|pass|pw)(=|$)/i.test(a))) {
      io.stderr.write(
        'dockctl user: a password is never taken as an argument: type it at the prompt, or pipe it in with --password-stdin\n',
      );
      return ExitCode.usage;
    }
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(io.argv);
    } catch (err) {
      // Values after '=' are not repeated: a mistyped option may carry a secret.
      const message = (err as Error).message.replace(/=[^'"\s]*/g, '=…').split('\n')[0];
      io.stderr.write(`dockctl user: ${message}\n${USAGE}`);
      return ExitCode.usage;
    }
    if (parsed.values.help) {
      io.stdout.write(USAGE);
      return ExitCode.ok;
    }
    const [action, ...args] = parsed.positionals;
    try {
      checkArity(action, args, parsed.values);
    } catch (err) {
      return fail(io, err);
    }
    let ledger: Ledger;
    try {
      ledger = await openCliLedger(await commandConfig(parsed.values, io.env));
    } catch (err) {
      const code = configErrorExit(io, err);
      if (code !== null) return code;
      io.stderr.write(`dockctl user: ${(err as Error).message}\n`);
      return ExitCode.noInput;
    }
    try {
      const service = new AccountService({ ledger });
      const outcome = await perform(service, io, action as string, args, parsed.values);
      if (parsed.values.json) io.stdout.write(`${JSON.stringify(outcome.data, null, 2)}\n`);
      else io.stdout.write('table' in outcome ? outcome.table : `${outcome.message}\n`);
      return ExitCode.ok;
    } catch (err) {
      return fail(io, err);
    } finally {
      ledger.close();
    }
  },
};

function parse(argv: readonly string[]) {
  return parseCommandLine(argv, {
    json: { type: 'boolean' },
    role: { type: 'string' },
    officer: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  });
}

const ARITY: Record<string, number> = { add: 1, list: 0, passwd: 1, role: 2, disable: 1, enable: 1 };

function checkArity(action: string | undefined, args: string[], values: Values): void {
  if (action === undefined || !Object.hasOwn(ARITY, action))
    throw new UsageError(
      `${action === undefined ? 'name what to do' : 'unknown action'}: add, list, passwd, role, disable or enable`,
    );
  // Extra arguments are not echoed: one of them may be a password typed in the wrong place.
  if (args.length > (ARITY[action] as number))
    throw new UsageError(`too many arguments for 'user ${action}'`);
  if (args.length < (ARITY[action] as number)) throw new UsageError(`'user ${action}' needs more arguments`);
  if (action === 'add' && values.role === undefined) throw new UsageError('give the role with --role ROLE');
  if (action !== 'add' && (values.role !== undefined || values.officer !== undefined))
    throw new UsageError('--role and --officer belong to user add');
  const role = action === 'add' ? values.role : action === 'role' ? args[1] : undefined;
  if (role !== undefined && !isAccountRole(role)) throw new UnknownRoleError(role, ACCOUNT_ROLES);
}

async function perform(
  service: AccountService,
  io: UserCliIo,
  action: string,
  [name = '', roleArg]: string[],
  values: Values,
): Promise<Outcome> {
  switch (action) {
    case 'list': {
      const accounts = service.list();
      return { table: accountsTable(accounts), data: accounts };
    }
    case 'add': {
      // Checked before the password is asked for, so nobody types one for nothing.
      const input = service.checkNew({
        username: name,
        role: values.role as AccountRole,
        officerNo: values.officer,
      });
      const password = await newPassword(io, values, input.username);
      const account = await service.add({ ...input, password, by: CONSOLE_ACTOR });
      return { message: `account ${account.username} added with the role ${account.role}`, data: account };
    }
    case 'passwd': {
      const account = service.require(name);
      await service.setPassword(
        account.username,
        await newPassword(io, values, account.username),
        CONSOLE_ACTOR,
      );
      return {
        message: `password of ${account.username} changed; its sessions at the page were ended`,
        data: service.require(name),
      };
    }
    case 'role': {
      const account = service.setRole(name, roleArg as AccountRole, CONSOLE_ACTOR);
      return { message: `${account.username} now has the role ${account.role}`, data: account };
    }
    default: {
      const disabled = action === 'disable';
      const account = service.setDisabled(name, disabled, CONSOLE_ACTOR);
      const message = disabled
        ? `${account.username} disabled; its sessions at the page were ended`
        : `${account.username} enabled`;
      return { message, data: account };
    }
  }
}

/** A new password: asked twice without echo on a terminal, or the first line of stdin. */
async function newPassword(io: UserCliIo, values: Values, username: string): Promise<string> {
  const stdin: PasswordInput = io.stdin ?? process.stdin;
  if (values['password-stdin'])
    return isTerminal(stdin) ? promptHidden(stdin, io.stderr, 'Password: ') : readFirstLine(stdin);
  if (!isTerminal(stdin))
    throw new UsageError('there is no terminal to ask for the password: pipe it in with --password-stdin');
  const first = await promptHidden(stdin, io.stderr, `New password for ${username}: `);
  checkPasswordPolicy(first, username);
  const second = await promptHidden(stdin, io.stderr, 'Type it again: ');
  if (first !== second) throw new PasswordMismatchError();
  return first;
}

function accountsTable(accounts: readonly AccountRecord[]): string {
  if (accounts.length === 0)
    return "no accounts yet: make the first with 'dockctl user add admin --role admin'\n";
  return formatTable(
    ['username', 'role', 'officer', 'state', 'created', 'changed by'],
    accounts.map((a) => [
      a.username,
      a.role,
      a.officerNo,
      a.disabled ? 'disabled' : 'enabled',
      shortTime(a.createdAt),
      a.changedBy,
    ]),
  );
}

function fail(io: CliIo, err: unknown): number {
  if (err instanceof UsageError) {
    io.stderr.write(`dockctl user: ${err.message}\n${USAGE}`);
    return ExitCode.usage;
  }
  if (err instanceof DockError) {
    io.stderr.write(`dockctl user: ${err.message}\n`);
    return ExitCode.dataErr;
  }
  throw err;
}
