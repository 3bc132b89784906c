import { existsSync } from 'node:fs';
import { type DockConfig, ledgerFigures } from '../config/dock-config.ts';
import { ledgerFile } from '../ledger/database.ts';
import { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../ops/logger.ts';

/** No ledger where the command looked. */
export class NoLedgerError extends Error {
  constructor(readonly stateDir: string) {
    super(
      `there is no ledger in ${stateDir}: start dockd first, or name its state directory with --state DIR or its configuration with --config FILE`,
    );
  }
}

/** Open the dock's ledger where the configuration puts it; refuses to create one where none exists. */
export async function openCliLedger(config: DockConfig): Promise<Ledger> {
  if (!existsSync(ledgerFile(config.paths))) throw new NoLedgerError(config.paths.stateDir);
  return Ledger.open({ paths: config.paths, logger: silentLogger(), ...ledgerFigures(config) });
}
