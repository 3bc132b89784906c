import { decideHeldRecorder, RecorderNotHeldError } from '../dock/held-recorders.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AlertRecord, RecorderRecord } from '../ledger/ledger-records.ts';
import type { UsageReport, UsageSession } from '../ledger/manager-queries.ts';
import { formatBytes } from '../reports/byte-format.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { formatTable, shortTime } from './table.ts';

function sessionRows(sessions: readonly UsageSession[]) {
  return sessions.map((s) => [
    shortTime(s.startedAt),
    s.serial,
    s.officerNo,
    s.outcome ?? 'running',
    s.clipCount,
    formatBytes(s.clipBytes),
    s.lateClips,
    s.endBatteryPct ?? s.batteryPct,
    s.endFreeBytes === null ? null : formatBytes(s.endFreeBytes),
  ]);
}
const SESSION_HEADERS = [
  'started',
  'recorder',
  'officer',
  'outcome',
  'clips',
  'bytes',
  'late',
  'battery%',
  'free',
];

/** `dockctl sessions`: recent dock sessions. */
export const sessionsCommand: CliCommand = ledgerCliCommand({
  name: 'sessions',
  summary: 'recent dock sessions with what each sealed',
  usage: `usage: dockctl sessions [--limit N] [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  options: { limit: { type: 'string' } },
  query: (ledger, values) => ledger.queries.recentSessions(positiveInt(values.limit, 50, '--limit')),
  table: (data) => formatTable(SESSION_HEADERS, sessionRows(data as UsageSession[])),
});

/** `dockctl alerts`: open alerts for the equipment manager. */
export const alertsCommand: CliCommand = ledgerCliCommand({
  name: 'alerts',
  summary: 'open alerts (late clips, recording gaps, unknown recorders …)',
  usage: `usage: dockctl alerts [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  query: (ledger) => ledger.queries.openAlerts(),
  table: (data) => {
    const alerts = data as AlertRecord[];
    if (alerts.length === 0) return 'no open alerts\n';
    return formatTable(
      ['id', 'opened', 'kind', 'detail'],
      alerts.map((a) => [a.id, shortTime(a.openedAt), a.kind, a.detail ?? a.subject]),
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
    throw new UsageError('name a recorder (--recorder SERIAL) or an officer (--officer NO)');
  },
  table: (data) => {
    const report = data as UsageReport;
    const outs = report.assignments.map((a) => [
      a.serial,
      a.officerNo,
      shortTime(a.checkedOutAt),
      a.outBatteryPct,
      shortTime(a.checkedInAt),
      a.inBatteryPct,
    ]);
    const t = report.totals;
    return [
      'check-out / check-in',
      formatTable(['recorder', 'officer', 'out', 'battery%', 'in', 'battery%'], outs),
      'dock sessions',
      formatTable(SESSION_HEADERS, sessionRows(report.sessions)),
      `${t.sessions} sessions, ${t.clips} clips, ${formatBytes(t.bytes)}, ${(t.durationMs / 3_600_000).toFixed(1)} h of footage, ${t.lateClips} late\n`,
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
      throw new UsageError(`expected 'accept SERIAL', 'reject SERIAL' or 'checkout SERIAL OFFICER_NO'`);
    }
    return decideHeld(ledger, action, serial, values.by ? String(values.by) : 'dockctl');
  },
  table: (data) => {
    if (!Array.isArray(data)) return `${(data as { message: string }).message}\n`;
    return formatTable(
      ['serial', 'model', 'vendor', 'status', 'registered'],
      (data as RecorderRecord[]).map((r) => [
        r.serial,
        r.model,
        r.vendor,
        r.status,
        shortTime(r.registeredAt),
      ]),
    );
  },
});

/** Check a recorder out to an officer by hand, with the battery and storage of its last docking (R7). */
function handOut(ledger: Ledger, serial: string, officerNo: string): { message: string } {
  const last = ledger.queries
    .recorderUsage(serial, { from: new Date(0), to: new Date(Date.now() + 60_000) })
    .sessions.at(-1);
  const out = ledger.checkOut({
    serial,
    officerNo,
    batteryPct: last?.endBatteryPct ?? last?.batteryPct ?? null,
    freeBytes: last?.endFreeBytes ?? last?.freeBytes ?? null,
  });
  return { message: `recorder ${serial} checked out to officer ${out.officerNo}` };
}

/** Accept (register) or reject a recorder held at the dock, as the page does. */
function decideHeld(
  ledger: Ledger,
  action: 'accept' | 'reject',
  serial: string,
  by: string,
): { message: string } {
  try {
    decideHeldRecorder(ledger, serial, action, by);
  } catch (err) {
    if (err instanceof RecorderNotHeldError) throw new UsageError(err.message);
    throw err;
  }
  return {
    message:
      action === 'accept'
        ? `recorder ${serial} accepted: its footage is pulled the next time it is docked`
        : `recorder ${serial} rejected: it is not ingested; take it out of the dock`,
  };
}

/** `dockctl explain ALERT --text … --signed-by NO --signed-by NO`: a written gap explanation (R9). */
export const explainCommand: CliCommand = ledgerCliCommand({
  name: 'explain',
  summary: 'record a two-officer written explanation of a recording gap (R9)',
  usage: `usage: dockctl explain ALERT_ID --text "what happened" --signed-by NO --signed-by NO [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  options: { text: { type: 'string' }, 'signed-by': { type: 'string', multiple: true } },
  query: (ledger, values, [alertId]) => {
    if (!alertId) throw new UsageError("name the gap's alert id (see 'dockctl alerts')");
    if (!values.text) throw new UsageError('write the explanation with --text');
    const signedBy = (values['signed-by'] as string[] | undefined) ?? [];
    const alert = ledger.sessionRecords.explainGap({ alertId, text: String(values.text), signedBy });
    return { message: `gap ${alertId} explained, signed by ${alert.resolvedBy}` };
  },
  table: (data) => `${(data as { message: string }).message}\n`,
});

function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1`);
  return n;
}

function dateOption(value: unknown, name: string, addDays: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${name} must be a date like 2026-11-21`);
  return d;
}
