import path from 'node:path';
import type { Ledger } from '../ledger/ledger.ts';
import { readStatusFile } from '../ops/status-file.ts';
import { SHARED_USAGE } from './cli-options.ts';
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
  table: (data) => statusText(data as StatusView),
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

/** The status view for people. */
export function statusText(v: StatusView): string {
  const lines: string[] = [];
  if (!v.daemon) lines.push('dockd: not running');
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
    lines.push(`dockd: running (pid ${v.daemon.pid}), USB bus ${watcher.usbBus}`);
    for (const s of watcher.sources)
      if (s.state !== 'ok') lines.push(`  source ${s.source}: ${s.state}${s.detail ? ` — ${s.detail}` : ''}`);
    lines.push(`docked: ${dock.docked.map((d) => d.serial).join(', ') || 'none'}`);
    for (const s of dock.sessions)
      lines.push(`  ${s.serial ?? '?'}  ${s.step}${s.progress ? `  ${progressLine(s.progress)}` : ''}`);
  }
  lines.push(
    `ledger: ${v.ledgerHead.seq} events, head ${v.ledgerHead.hash.slice(0, 16)}…; ${v.openSessions} sessions open; ${v.openAlerts} open alerts`,
  );
  return `${lines.join('\n')}\n`;
}
