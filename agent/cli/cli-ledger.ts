import { existsSync } from 'node:fs';
import { type DockConfig, ledgerFigures } from '../config/dock-config.ts';
import { domainText } from '../i18n/domain.ts';
import { withWords } from '../i18n/error-words.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import { ledgerFile } from '../ledger/database.ts';
import { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../ops/logger.ts';

/** No ledger where the command looked; said in dockctl's language (its process's locale). */
export class NoLedgerError extends Error {
  constructor(
    readonly stateDir: string,
    lang: Lang = langFromEnv(process.env),
  ) {
    super(domainText(lang, 'cli.noLedger', { dir: stateDir }));
    withWords(this, 'cli.noLedger', { dir: stateDir });
  }
}

/** Open the dock's ledger where the configuration puts it; refuses to create one where none exists. */
export async function openCliLedger(config: DockConfig): Promise<Ledger> {
  if (!existsSync(ledgerFile(config.paths))) throw new NoLedgerError(config.paths.stateDir);
  return Ledger.open({ paths: config.paths, logger: silentLogger(), ...ledgerFigures(config) });
}
