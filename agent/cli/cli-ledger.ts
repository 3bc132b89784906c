import { existsSync } from 'node:fs';
import { loadConfig } from '../config/config-loader.ts';
import { ledgerFigures } from '../config/dock-config.ts';
import { ledgerFile } from '../ledger/database.ts';
import { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../ops/logger.ts';
import { type DockPaths, pathsUnder } from '../paths.ts';
import type { CliIo } from './command.ts';

/** The state directory a command works on: --state, then $DOCK_STATE_DIR, then the FHS default. */
export function stateDirOf(option: string | undefined, io: CliIo): string {
  return option ?? io.env.DOCK_STATE_DIR ?? '/var/lib/recorder-dock';
}

/** No ledger where the command looked. */
export class NoLedgerError extends Error {
  constructor(readonly stateDir: string) {
    super(
      `there is no ledger in ${stateDir}: start dockd first, or name its state directory with --state DIR`,
    );
  }
}

/** Open the dock's ledger for a command; refuses to create one where none exists. */
export async function openCliLedger(stateDir: string): Promise<{ ledger: Ledger; paths: DockPaths }> {
  const paths = pathsUnder(stateDir);
  if (!existsSync(ledgerFile(paths))) throw new NoLedgerError(stateDir);
  const { config } = await loadConfig(null, { pathDefaults: { stateDir, runDir: paths.runDir } });
  const ledger = await Ledger.open({ paths, logger: silentLogger(), ...ledgerFigures(config) });
  return { ledger, paths };
}
