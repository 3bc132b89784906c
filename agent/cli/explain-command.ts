import { AccountService } from '../access/accounts.ts';
import { GapSigning } from '../access/gap-signing.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { DockError } from '../errors.ts';
import { errorText } from '../i18n/error-words.ts';
import { langFromEnv } from '../i18n/lang.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { NoLedgerError, openCliLedger } from './cli-ledger.ts';
import { cliNamer } from './cli-names.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, commandHelp, ExitCode } from './command.ts';
import { isTerminal, type PasswordInput, promptHidden, readLines } from './password-prompt.ts';
import { handle, resolveHandle } from './short-ids.ts';
import type { UserCliIo } from './user-command.ts';

const USAGE = `usage: dockctl explain ALERT_ID --text "what happened" --signed-by NO --signed-by NO [--password-stdin]
       dockctl explain ALERT_ID --signed-by NO [--password-stdin]

R9: a recording gap's written explanation, signed by two or more officers, each with the
password of their own account, typed here at the dock's console (in person).
  --text TEXT        the explanation; a new text replaces the old one and voids its signatures
  --signed-by NO     an officer number (人员编号) who signs now; repeat for each signer
  --password-stdin   read the signers' passwords from stdin, one a line, in --signed-by order
${SHARED_USAGE}On a terminal each signer's password is asked without echo. The explanation is complete, and the
gap resolved, when every officer named with the text has signed.
`;

type Values = {
  text?: string;
  'signed-by'?: string[];
  'password-stdin'?: boolean;
  state?: string;
  help?: boolean;
};

/** `dockctl explain`: enter a gap explanation and sign it in person at the console (R9). */
export const explainCommand: CliCommand = {
  name: 'explain',
  summary: 'enter a recording gap explanation and sign it in person, each officer with their password (R9)',
  async run(io: UserCliIo): Promise<number> {
    let values: Values;
    let alertId: string | undefined;
    try {
      const parsed = parseCommandLine(io.argv, {
        text: { type: 'string' },
        'signed-by': { type: 'string', multiple: true },
        'password-stdin': { type: 'boolean' },
      });
      values = parsed.values;
      if (values.help) {
        io.stdout.write(USAGE);
        return ExitCode.ok;
      }
      alertId = parsed.positionals[0];
      if (!alertId || parsed.positionals.length > 1) throw new UsageError({ key: 'cli.usage.gapAlert' });
      if (!values['signed-by']?.length) throw new UsageError({ key: 'cli.usage.signedBy' });
    } catch (err) {
      io.stderr.write(
        `dockctl explain: ${(err as Error).message}\n${commandHelp(explainCommand, USAGE, langFromEnv(io.env)).usage}`,
      );
      return ExitCode.usage;
    }
    let ledger: Ledger;
    let config: DockConfig;
    try {
      config = await commandConfig(values, io.env);
      ledger = await openCliLedger(config);
    } catch (err) {
      const code = configErrorExit(io, err);
      if (code !== null) return code;
      if (!(err instanceof NoLedgerError)) throw err;
      io.stderr.write(`dockctl explain: ${err.message}\n`);
      return ExitCode.noInput;
    }
    const view = cliView(config, io.env);
    try {
      alertId = resolveHandle(ledger, 'alerts', alertId);
      const subject = ledger.queries.openAlerts().find((a) => a.id === alertId)?.subject;
      const signers = values['signed-by'] as string[];
      if (values.text !== undefined)
        ledger.gaps.draft({ alertId, text: values.text, signers, enteredBy: 'console' });
      const passwords = await passwordsOf(io, values, signers, view);
      const signing = new GapSigning(ledger, new AccountService({ ledger }));
      let complete = false;
      for (const [i, no] of signers.entries())
        complete = (await signing.signAtConsole(alertId, no, passwords[i] as string)).complete;
      const draft = ledger.gaps.current(alertId);
      const left = draft
        ? draft.signers.filter((no) => !draft.signatures.some((s) => s.officerNo === no))
        : [];
      const names = cliNamer(ledger, view);
      const people = (nos: readonly string[]) => nos.map(names.officer).join(view.t('list.separator'));
      io.stdout.write(
        `${
          complete
            ? view.t('cli.explain.done', {
                gap: subject ? names.subject(subject).text : handle(alertId),
                signers: people(draft?.signers ?? []),
              })
            : view.t('cli.explain.signed', { left: people(left) })
        }\n`,
      );
      return ExitCode.ok;
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(
          `dockctl explain: ${errorText(langFromEnv(io.env), err)}\n${commandHelp(explainCommand, USAGE, langFromEnv(io.env)).usage}`,
        );
        return ExitCode.usage;
      }
      if (err instanceof DockError) {
        io.stderr.write(`dockctl explain: ${errorText(langFromEnv(io.env), err)}\n`);
        return ExitCode.dataErr;
      }
      throw err;
    } finally {
      ledger.close();
    }
  },
};

/** Each signer's password: typed without echo on a terminal, or one line of stdin per signer. */
async function passwordsOf(
  io: UserCliIo,
  values: Values,
  signers: readonly string[],
  view: CliView,
): Promise<string[]> {
  const stdin: PasswordInput = io.stdin ?? process.stdin;
  if (values['password-stdin'] && !isTerminal(stdin)) return readLines(stdin, signers.length);
  if (!isTerminal(stdin)) throw new UsageError({ key: 'cli.usage.noTerminalSigners' });
  const out: string[] = [];
  for (const no of signers)
    out.push(await promptHidden(stdin, io.stderr, view.t('cli.explain.password', { officer: no })));
  return out;
}
