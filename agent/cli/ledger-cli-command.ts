import type { DockConfig } from '../config/dock-config.ts';
import { errorText } from '../i18n/error-words.ts';
import { langFromEnv } from '../i18n/lang.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { NoLedgerError, openCliLedger } from './cli-ledger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';

export { UsageError } from './cli-options.ts';

/** The usage lines of the options every ledger command takes. */
export const LEDGER_OPTIONS_USAGE = `${SHARED_USAGE}  --json         machine-readable output\n`;

/** A dockctl command over the ledger: its options, what it reads or records, and how it prints. */
export interface LedgerCommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** The data shown (reading or recording); throws UsageError for bad options. */
  query(ledger: Ledger, values: Record<string, unknown>, positionals: string[], config: DockConfig): unknown;
  /**
   * The same data for people, times in the dock's zone (the command adds a line naming it); the
   * ledger is still open, to name people, recorders and clips instead of showing their ids.
   */
  table(data: unknown, view: CliView, ledger: Ledger): string;
}

/**
 * A dockctl command from a spec: the shared `--config FILE` and `--state DIR`, `--json`, `--help`,
 * one-line errors, and exit codes scripts can rely on (0 ok, 64 usage, 66 no ledger, 78 config).
 */
export function ledgerCliCommand(spec: LedgerCommandSpec): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(io: CliIo): Promise<number> {
      let ledger: Ledger | null = null;
      try {
        const { values, positionals } = parseCommandLine(
          io.argv,
          { json: { type: 'boolean' }, ...spec.options },
          io.env,
        );
        if (values.help) {
          io.stdout.write(commandHelp(spec, spec.usage, langFromEnv(io.env)).usage);
          return ExitCode.ok;
        }
        const config = await commandConfig(values, io.env);
        ledger = await openCliLedger(config);
        const data = await spec.query(ledger, values, positionals, config);
        if (values.json) io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        else {
          const view = cliView(config, io.env);
          const text = spec.table(data, view, ledger);
          io.stdout.write(/\d{4}-\d\d-\d\d \d\d:\d\d/.test(text) ? `${text}${view.zoneNote}` : text);
        }
        return ExitCode.ok;
      } catch (err) {
        if (err instanceof UsageError) {
          const lang = langFromEnv(io.env);
          io.stderr.write(
            `dockctl ${spec.name}: ${errorText(lang, err)}\n${commandHelp(spec, spec.usage, lang).usage}`,
          );
          return ExitCode.usage;
        }
        if (err instanceof NoLedgerError) {
          io.stderr.write(`dockctl ${spec.name}: ${err.message}\n`);
          return ExitCode.noInput;
        }
        const config = configErrorExit(io, err);
        if (config !== null) return config;
        throw err;
      } finally {
        ledger?.close();
      }
    },
  };
}
