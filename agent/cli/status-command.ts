import path from 'node:path';
import { type DomainKey, isDomainKey } from '../i18n/domain.ts';
import { stepWords } from '../i18n/session-step-words.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { readStatusFile } from '../ops/status-file.ts';
import { SHARED_USAGE } from './cli-options.ts';
import type { CliView } from './cli-view.ts';
import type { CliCommand } from './command.ts';
import { ledgerCliCommand } from './ledger-cli-command.ts';
import { progressLine } from './progress-line.ts';

interface StatusView {
  readonly daemon: Record<string, unknown> | null;
  readonly ledgerHead: { seq: number; hash: string };
  readonly openAlerts: number;
  readonly openSessions: number;
}

/** `dockctl status`: is dockd running, what is docked and copying now, the ledger head, open alerts. */
export const statusCommand: CliCommand = ledgerCliCommand({
  name: 'status',
  summary: 'what dockd is doing now: recorders docked, copies in progress, alerts',
  usage: `usage: dockctl status [--config FILE] [--state DIR] [--json]\n${SHARED_USAGE}`,
  query: (ledger, _values, _positionals, config) => statusView(ledger, config.paths.runDir),
  table: (data, view) => statusText(data as StatusView, view),
});

/** Build the status view: dockd's status file in `runDir`, and the ledger. */
export async function statusView(ledger: Ledger, runDir: string): Promise<StatusView> {
  return {
    daemon: await readStatusFile(path.join(runDir, 'status.json')),
    ledgerHead: ledger.head(),
    openAlerts: ledger.queries.openAlerts().length,
    openSessions: ledger.queries.dockedNow().length,
  };
}

/** The status view for people, in the terminal's language. */
export function statusText(v: StatusView, view: CliView): string {
  const t = view.t;
  const lines: string[] = [];
  if (!v.daemon) lines.push(t('cli.status.notRunning'));
  else {
    const watcher = v.daemon.watcher as {
      usbBus: string;
      sources: { source: string; state: string; detail: string | null }[];
    };
    const dock = v.daemon.dock as {
      sessions: {
        serial: string | null;
        step: string;
        progress: Parameters<typeof progressLine>[0] | null;
      }[];
      docked: { serial: string }[];
    };
    const bus = isDomainKey(`usb.${watcher.usbBus}`)
      ? t(`usb.${watcher.usbBus}` as DomainKey)
      : watcher.usbBus;
    lines.push(t('cli.status.running', { pid: String(v.daemon.pid), bus }));
    // A source's state in words; its detail is the driver's English sentence, shown in English only.
    for (const s of watcher.sources)
      if (s.state !== 'ok') {
        const key = `cli.source.${s.state}`;
        const state = isDomainKey(key) ? t(key) : s.state;
        const detail = s.detail && view.lang === 'en' ? ` — ${s.detail}` : '';
        lines.push(`  ${s.source}: ${state}${detail}`);
      }
    const docked = dock.docked.map((d) => d.serial).join(t('list.separator'));
    lines.push(t('cli.status.docked', { serials: docked || t('cli.life.none') }));
    for (const s of dock.sessions)
      lines.push(
        `  ${s.serial ?? '?'}  ${stepWords(s.step, t)}${s.progress ? `  ${progressLine(s.progress, 24, view.lang)}` : ''}`,
      );
  }
  lines.push(
    t('cli.status.ledger', {
      seq: v.ledgerHead.seq,
      head: v.ledgerHead.hash.slice(0, 16),
      sessions: v.openSessions,
      alerts: v.openAlerts,
    }),
  );
  return `${lines.join('\n')}\n`;
}
