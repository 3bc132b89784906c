import type { Ledger } from '../ledger/ledger.ts';
import { translator } from '../web/i18n/messages.ts';
import { type Namer, namer } from '../web/things-named.ts';
import type { CliView } from './cli-view.ts';

/**
 * People, recorders and clips as dockctl prints them (issue 16): the same words as the page (an
 * officer by name and number, a clip by recorder, officer, recording time and file name), in the
 * terminal's language and the dock's time zone.
 */
export function cliNamer(ledger: Ledger, view: Pick<CliView, 'lang' | 'zone'>): Namer {
  return namer(ledger, translator(view.lang), view.zone);
}
