import { decideHeldRecorder, RecorderNotHeldError } from '../dock/held-recorders.ts';
import { alertKindText, alertText } from '../i18n/alert-text.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AlertRecord, RecorderRecord } from '../ledger/ledger-records.ts';
import type { UsageReport, UsageSession } from '../ledger/manager-queries.ts';
import { formatBytes } from '../reports/byte-format.ts';
import {
  SESSION_STATUS,
  type SessionStatus,
  sessionStatus,
  sessionsWaitingForExplanation,
} from '../reports/session-status.ts';
import type { Namer } from '../web/things-named.ts';
import { cliNamer } from './cli-names.ts';
import type { CliView } from './cli-view.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { handle } from './short-ids.ts';
import { formatTable } from './table.ts';

function sessionRows(
  sessions: readonly (UsageSession & { status?: SessionStatus })[],
  view: CliView,
  names: Namer,
) {
  return sessions.map((s) => [
    view.time(s.startedAt),
    s.serial,
    names.officer(s.officerNo) || null,
    SESSION_STATUS[s.status ?? s.outcome ?? 'running'][view.lang],
    s.clipCount,
    formatBytes(s.clipBytes),
    s.lateClips,
    s.endBatteryPct ?? s.batteryPct,
    s.endFreeBytes === null ? null : formatBytes(s.endFreeBytes),
  ]);
}
function sessionHeaders(view: CliView): string[] {
  return (
    ['started', 'recorder', 'officer', 'status', 'clips', 'size', 'late', 'battery', 'free'] as const
  ).map((c) => view.t(`cli.col.${c}`));
}

/** `dockctl sessions`: recent dock sessions. */
export const sessionsCommand: CliCommand = ledgerCliCommand({
  name: 'sessions',
  summary: 'recent dock sessions with what each sealed',
  usage: `usage: dockctl sessions [--limit N] [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  options: { limit: { type: 'string' } },
  query: (ledger, values) => {
    // R9: a docking with a gap not yet explained is waiting, not complete.
    const waiting = sessionsWaitingForExplanation(ledger);
    return ledger.queries
      .recentSessions(positiveInt(values.limit, 50, '--limit'))
      .map((s) => ({ ...s, status: sessionStatus(s, waiting) }));
  },
  table: (data, view, ledger) =>
    formatTable(sessionHeaders(view), sessionRows(data as UsageSession[], view, cliNamer(ledger, view))),
});

/** `dockctl alerts`: open alerts for the equipment manager. */
export const alertsCommand: CliCommand = ledgerCliCommand({
  name: 'alerts',
  summary: 'open alerts (late clips, recording gaps, unknown recorders …)',
  usage: `usage: dockctl alerts [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  query: (ledger) => ledger.queries.openAlerts(),
  table: (data, view, ledger) => {
    const alerts = data as AlertRecord[];
    if (alerts.length === 0) return `${view.t('cli.noAlerts')}\n`;
    const names = cliNamer(ledger, view);
    const wording = {
      lang: view.lang,
      recorder: names.recorder,
      bytes: (n: number) => formatBytes(n),
      time: (iso: string) => view.time(new Date(iso)) ?? iso,
    };
    return formatTable(
      (['opened', 'kind', 'detail', 'handle'] as const).map((c) => view.t(`cli.col.${c}`)),
      alerts.map((a) => [
        view.time(a.openedAt),
        alertKindText(view.lang, a.kind),
        alertText(a, wording) || names.subject(a.subject).text,
        handle(a.id),
      ]),
    );
  },
});

/** `dockctl ledger --recorder SERIAL | --officer NO`: the usage ledger (台账) over a date range. */
export const ledgerCommand: CliCommand = ledgerCliCommand({
  name: 'ledger',
  summary: 'usage ledger (台账) of one recorder or officer over a date range',
  usage: `usage: dockctl ledger (--recorder SERIAL | --officer NO) [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}  --from, --to  the date range (default: the last 30 days)\n`,
  options: {
    recorder: { type: 'string' },
    officer: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  query: (ledger, values) => {
    const to = values.to ? dateOption(values.to, '--to', 1) : new Date(Date.now() + 60_000);
    const from = values.from
      ? dateOption(values.from, '--from', 0)
      : new Date(to.getTime() - 30 * 86_400_000);
    if (values.recorder) return ledger.queries.recorderUsage(String(values.recorder), { from, to });
    if (values.officer) return ledger.queries.officerUsage(String(values.officer), { from, to });
    throw new UsageError({ key: 'cli.usage.ledgerWho' });
  },
  table: (data, view, ledger) => {
    const report = data as UsageReport;
    const names = cliNamer(ledger, view);
    const outs = report.assignments.map((a) => [
      a.serial,
      names.officer(a.officerNo) || null,
      view.time(a.checkedOutAt),
      a.outBatteryPct,
      view.time(a.checkedInAt),
      a.inBatteryPct,
    ]);
    const t = report.totals;
    const col = (c: 'recorder' | 'officer' | 'out' | 'battery' | 'in') => view.t(`cli.col.${c}`);
    return [
      view.t('cli.checkouts'),
      formatTable(
        [col('recorder'), col('officer'), col('out'), col('battery'), col('in'), col('battery')],
        outs,
      ),
      view.t('cli.dockings'),
      formatTable(sessionHeaders(view), sessionRows(report.sessions, view, names)),
      `${view.t('cli.totals', { sessions: t.sessions, clips: t.clips, bytes: formatBytes(t.bytes), hours: (t.durationMs / 3_600_000).toFixed(1), late: t.lateClips })}\n`,
    ].join('\n');
  },
});

/** `dockctl recorders [accept|reject SERIAL]`: registered recorders, and decisions on held ones. */
export const recordersCommand: CliCommand = ledgerCliCommand({
  name: 'recorders',
  summary: 'registered recorders; accept or reject one held at the dock; hand one out',
  usage: `usage: dockctl recorders [--config FILE] [--state DIR] [--json]\n       dockctl recorders accept SERIAL [--by STAFF]\n       dockctl recorders reject SERIAL [--by STAFF]\n       dockctl recorders checkout SERIAL OFFICER_NO   (hand a recorder out by hand, R7)\n${LEDGER_OPTIONS_USAGE}`,
  options: { by: { type: 'string' } },
  query: (ledger, values, [action, serial, officerNo]) => {
    if (action === undefined) return ledger.queries.recorders();
    if (action === 'checkout' && serial && officerNo) return handOut(ledger, serial, officerNo);
    if ((action !== 'accept' && action !== 'reject') || !serial) {
      throw new UsageError({ key: 'cli.usage.recordersAction' });
    }
    return decideHeld(ledger, action, serial, values.by ? String(values.by) : 'dockctl');
  },
  table: (data, view, ledger) => {
    if (!Array.isArray(data)) {
      const d = data as Decision;
      return `${view.t(`cli.recorders.${d.done}`, { serial: d.serial, officer: cliNamer(ledger, view).officer(d.officerNo) })}\n`;
    }
    return formatTable(
      (['recorder', 'model', 'vendor', 'recorderStatus', 'registered'] as const).map((c) =>
        view.t(`cli.col.${c}`),
      ),
      (data as RecorderRecord[]).map((r) => [
        r.serial,
        r.model,
        r.vendor,
        view.t(`recorder.${r.status}`),
        view.time(r.registeredAt),
      ]),
    );
  },
});

/** What `recorders checkout|accept|reject` did: `message` in English for scripts, `done` for people. */
interface Decision {
  readonly message: string;
  readonly done: 'checkout' | 'accept' | 'reject';
  readonly serial: string;
  readonly officerNo: string | null;
}

/** Check a recorder out to an officer by hand, with the battery and storage of its last docking (R7). */
function handOut(ledger: Ledger, serial: string, officerNo: string): Decision {
  const last = ledger.queries
    .recorderUsage(serial, { from: new Date(0), to: new Date(Date.now() + 60_000) })
    .sessions.at(-1);
  const out = ledger.checkOut({
    serial,
    officerNo,
    batteryPct: last?.endBatteryPct ?? last?.batteryPct ?? null,
    freeBytes: last?.endFreeBytes ?? last?.freeBytes ?? null,
  });
  return {
    message: `recorder ${serial} checked out to officer ${out.officerNo}`,
    done: 'checkout',
    serial,
    officerNo: out.officerNo,
  };
}

/** Accept (register) or reject a recorder held at the dock, as the page does. */
function decideHeld(ledger: Ledger, action: 'accept' | 'reject', serial: string, by: string): Decision {
  try {
    decideHeldRecorder(ledger, serial, action, by);
  } catch (err) {
    if (err instanceof RecorderNotHeldError)
      throw new UsageError({ key: 'cli.usage.notHeld', params: { serial: err.serial } });
    throw err;
  }
  return {
    message:
      action === 'accept'
        ? `recorder ${serial} accepted: its footage is pulled the next time it is docked`
        : `recorder ${serial} rejected: it is not ingested; take it out of the dock`,
    done: action,
    serial,
    officerNo: null,
  };
}

function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError({ key: 'cli.usage.wholeNumber', params: { name } });
  return n;
}

function dateOption(value: unknown, name: string, addDays: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError({ key: 'cli.usage.date', params: { name } });
  return d;
}
