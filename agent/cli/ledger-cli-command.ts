import { parseArgs } from 'node:util';
import type { Ledger } from '../ledger/ledger.ts';
import { openCliLedger, stateDirOf } from './cli-ledger.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';

/** A dockctl command over the ledger: its options, what it reads or records, and how it prints. */
export interface LedgerCommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** The data shown (reading or recording); throws UsageError for bad options. */
  query(ledger: Ledger, values: Record<string, unknown>, positionals: string[], stateDir: string): unknown;
  /** The same data for people, times in the dock's zone (the command adds a line naming it). */
  table(data: unknown, view: CliView): string;
}

/** Wrong options: printed with the command's usage, exit 64. */
export class UsageError extends Error {}

/**
 * A dockctl command from a spec: `--state DIR`, `--json`, `--help`, one-line errors,
 * and exit codes scripts can rely on (0 ok, 64 usage, 66 no ledger).
 */
export function ledgerCliCommand(spec: LedgerCommandSpec): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(io: CliIo): Promise<number> {
      let parsed: ReturnType<typeof parseArgs>;
      try {
        parsed = parseArgs({
          args: [...io.argv],
          allowPositionals: true,
          options: {
            state: { type: 'string' },
            config: { type: 'string' },
            json: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
            ...spec.options,
          },
        });
      } catch (err) {
        io.stderr.write(`dockctl ${spec.name}: ${(err as Error).message}\n${spec.usage}`);
        return ExitCode.usage;
      }
      if (parsed.values.help) {
        io.stdout.write(spec.usage);
        return ExitCode.ok;
      }
      let opened: Awaited<ReturnType<typeof openCliLedger>>;
      const stateDir = stateDirOf(parsed.values.state as string | undefined, io);
      try {
        opened = await openCliLedger(stateDir);
      } catch (err) {
        io.stderr.write(`dockctl ${spec.name}: ${(err as Error).message}\n`);
        return ExitCode.noInput;
      }
      try {
        const data = await spec.query(opened.ledger, parsed.values, parsed.positionals, stateDir);
        if (parsed.values.json) io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        else {
          const view = await cliView(io, parsed.values.config as string | undefined);
          const text = spec.table(data, view);
          io.stdout.write(/\d{4}-\d\d-\d\d \d\d:\d\d/.test(text) ? `${text}${view.zoneNote}` : text);
        }
        return ExitCode.ok;
      } catch (err) {
        if (err instanceof UsageError) {
          io.stderr.write(`dockctl ${spec.name}: ${err.message}\n${spec.usage}`);
          return ExitCode.usage;
        }
        throw err;
      } finally {
        opened.ledger.close();
      }
    },
  };
}
