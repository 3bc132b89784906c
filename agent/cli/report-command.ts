import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { configFileFromEnv, loadConfig } from '../config/config-loader.ts';
import { DockError } from '../errors.ts';
import { writeFileDurable } from '../fs/durable-write.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { cellText, PAGE_EMPTY } from '../reports/cell-format.ts';
import { toCsvTables } from '../reports/csv.ts';
import { ledgerTable } from '../reports/ledger-table.ts';
import { buildReport, isReportName, ReportParameterError } from '../reports/report-catalog.ts';
import { type Lang, labelledTotals, type TableModel } from '../reports/table-model.ts';
import { toXlsxWorkbook } from '../reports/xlsx.ts';
import { checkTimeZone, wallClock, zonedInstant } from '../reports/zoned-time.ts';
import { openCliLedger, stateDirOf } from './cli-ledger.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { UsageError } from './ledger-cli-command.ts';
import { formatTable } from './table.ts';

const USAGE = `usage: dockctl report inventory|handover|statistics [--year YYYY] [options]
       dockctl report ledger [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--recorder SERIAL] [--officer NO] [options]

  inventory    yearly equipment inventory (年度装备清查表, R8); --year defaults to this year
  handover     handover list between equipment managers (装备移交清单, R8), as of now
  statistics   yearly statistics for publication before 31 January (R12); --year defaults to last year
  ledger       recorder usage ledger (台账, R7); --from/--to are whole days, default this month

options:
  --format F    table (default), csv, xlsx or json
  --out FILE    write to FILE instead of the terminal (xlsx needs it)
  --lang L      zh-CN (default) or en
  --tz ZONE     time zone of dates and days (default rules.timezone of the configuration)
  --config FILE configuration to read rules.timezone from (default $DOCK_CONFIG or /etc/recorder-dock/config.yaml)
  --state DIR   the dock state directory (default $DOCK_STATE_DIR or /var/lib/recorder-dock)
`;

const FORMATS = ['table', 'csv', 'xlsx', 'json'] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS = {
  state: { type: 'string' },
  config: { type: 'string' },
  tz: { type: 'string' },
  year: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  recorder: { type: 'string' },
  officer: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A time zone could not be read from the configuration: exit 78 with its problems listed. */
class ZoneConfigError extends DockError {
  constructor(message: string) {
    super('REPORT_ZONE_CONFIG', message);
  }
}

/** The report tables as aligned text for a terminal, with totals and notes. */
export function reportText(models: readonly TableModel[], lang: Lang, timeZone: string): string {
  return models
    .map((m) => {
      const cells = (row: Record<string, string | number | null>) =>
        m.columns.map((c) => cellText(c, row[c.key], lang, timeZone, PAGE_EMPTY));
      const rows = m.rows.map(cells);
      const totals = labelledTotals(m, lang);
      if (totals) rows.push(cells(totals));
      const head = [m.title[lang], ...(m.subtitle ? [m.subtitle[lang]] : [])].join('\n');
      const notes = (m.notes ?? []).map((n) => `${n[lang]}\n`).join('');
      return `${head}\n\n${formatTable(
        m.columns.map((c) => c.label[lang]),
        rows,
      )}${notes ? `\n${notes}` : ''}`;
    })
    .join('\n');
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${name} must be one of ${allowed.join(', ')}`);
}

/** Midnight starting the day `YYYY-MM-DD` (+ addDays) in `timeZone`. */
function dayStart(value: string, name: string, timeZone: string, addDays: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const valid = m && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (!valid) throw new UsageError(`${name} must be a date like 2026-11-21`);
  return new Date(zonedInstant(timeZone, y, mo, d + addDays));
}

function yearOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{4}$/.test(value) || Number(value) < 2000 || Number(value) > 2100) {
    throw new UsageError('--year must be a year from 2000 to 2100, like 2026');
  }
  return Number(value);
}

async function timeZoneOf(values: Values, io: CliIo): Promise<string> {
  if (values.tz !== undefined) {
    try {
      checkTimeZone(values.tz);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    return values.tz;
  }
  const file = values.config ?? configFileFromEnv(io.env);
  try {
    const named = values.config !== undefined || existsSync(file);
    return (await loadConfig(named ? file : null)).config.rules.timezone;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    throw new ZoneConfigError(`${formatConfigError(err)}\n(or name the time zone with --tz ZONE)`);
  }
}

/** Check the options that only one kind of report takes. */
function checkOptionsFor(name: string, values: Values): void {
  const ledgerOnly = ['from', 'to', 'recorder', 'officer'] as const;
  if (name === 'ledger' && values.year !== undefined)
    throw new UsageError('the ledger takes --from/--to, not --year');
  if (name !== 'ledger') {
    for (const k of ledgerOnly)
      if (values[k] !== undefined) throw new UsageError(`--${k} is for the ledger only`);
  }
  if (name === 'handover' && values.year !== undefined)
    throw new UsageError('the handover list is as of now: drop --year');
}

/** What the command builds once the ledger is open. */
type Build = (ledger: Ledger) => TableModel[];

/** Check the options and return how to build the tables once the ledger is open. */
function tablesFor(name: string, values: Values, now: Date, timeZone: string): Build {
  checkOptionsFor(name, values);
  const today = wallClock(now.getTime(), timeZone);
  if (name !== 'ledger' && isReportName(name)) {
    const year = yearOption(values.year, name === 'statistics' ? today.year - 1 : today.year);
    return (ledger) => buildReport(ledger.reports, name, { year, at: now, timeZone });
  }
  if (name !== 'ledger') throw new UsageError(`there is no report '${name}'`);
  const from = values.from
    ? dayStart(values.from, '--from', timeZone, 0)
    : new Date(zonedInstant(timeZone, today.year, today.month, 1));
  const to = values.to
    ? dayStart(values.to, '--to', timeZone, 1)
    : new Date(zonedInstant(timeZone, today.year, today.month, today.day + 1));
  if (from.getTime() >= to.getTime()) throw new UsageError('--from must be on or before --to');
  return (ledger) => [
    ledgerTable(ledger.reports, {
      from,
      to,
      serial: values.recorder,
      officerNo: values.officer,
      timeZone,
    }),
  ];
}

async function render(models: TableModel[], format: Format, lang: Lang, timeZone: string, name: string) {
  switch (format) {
    case 'table':
      return reportText(models, lang, timeZone);
    case 'csv':
      return toCsvTables(models, lang, timeZone);
    case 'xlsx':
      return toXlsxWorkbook(models, lang, timeZone);
    case 'json':
      return `${JSON.stringify({ report: name, timeZone, tables: models }, null, 2)}\n`;
  }
}

/** `dockctl report …` with an injected clock (tests); `reportCommand` uses the system clock. */
export function createReportCommand(deps: { now?: () => Date } = {}): CliCommand {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'report',
    summary: 'reports: usage ledger (台账), yearly inventory, handover list, yearly statistics',
    async run(io: CliIo): Promise<number> {
      const fail = (code: number, message: string, usage = false) => {
        io.stderr.write(`dockctl report: ${message}\n${usage ? USAGE : ''}`);
        return code;
      };
      let values: Values;
      let positionals: string[];
      try {
        ({ values, positionals } = parseArgs({
          args: [...io.argv],
          allowPositionals: true,
          options: OPTIONS,
        }));
      } catch (err) {
        return fail(ExitCode.usage, (err as Error).message, true);
      }
      if (values.help) {
        io.stdout.write(USAGE);
        return ExitCode.ok;
      }
      let build: Build;
      let format: Format;
      let lang: Lang;
      let timeZone: string;
      const [name, ...extra] = positionals;
      try {
        if (name === undefined)
          throw new UsageError('name a report: ledger, inventory, handover or statistics');
        if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
        format = oneOf(values.format, FORMATS, '--format', 'table');
        lang = oneOf(values.lang, ['zh-CN', 'en'] as const, '--lang', 'zh-CN');
        if (format === 'xlsx' && values.out === undefined) {
          throw new UsageError('an xlsx workbook is binary: name the file to write with --out FILE');
        }
        timeZone = await timeZoneOf(values, io);
        build = tablesFor(name, values, now(), timeZone);
      } catch (err) {
        if (err instanceof UsageError) return fail(ExitCode.usage, err.message, true);
        if (err instanceof ZoneConfigError) return fail(ExitCode.config, err.message);
        throw err;
      }
      let opened: Awaited<ReturnType<typeof openCliLedger>>;
      try {
        opened = await openCliLedger(stateDirOf(values.state, io));
      } catch (err) {
        return fail(ExitCode.noInput, (err as Error).message);
      }
      let output: string | Buffer;
      try {
        output = await render(build(opened.ledger), format, lang, timeZone, name);
      } catch (err) {
        if (err instanceof ReportParameterError) return fail(ExitCode.usage, err.message, true);
        throw err;
      } finally {
        opened.ledger.close();
      }
      if (values.out === undefined) {
        io.stdout.write(output);
        return ExitCode.ok;
      }
      try {
        await writeFileDurable(values.out, output);
      } catch (err) {
        return fail(ExitCode.ioErr, `cannot write ${values.out}: ${(err as Error).message}`);
      }
      io.stdout.write(`report written to ${values.out}\n`);
      return ExitCode.ok;
    },
  };
}

/** `dockctl report`: the 台账 and the yearly and handover reports as a table, CSV, XLSX or JSON. */
export const reportCommand: CliCommand = createReportCommand();
