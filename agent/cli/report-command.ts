import type { DockConfig } from '../config/dock-config.ts';
import { writeFileDurable } from '../fs/durable-write.ts';
import { domainText } from '../i18n/domain.ts';
import { langFromEnv } from '../i18n/lang.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { cellText, PAGE_EMPTY } from '../reports/cell-format.ts';
import { toCsvTables } from '../reports/csv.ts';
import { ledgerTable } from '../reports/ledger-table.ts';
import { buildReport, isReportName, ReportParameterError } from '../reports/report-catalog.ts';
import { ReportQueries } from '../reports/report-queries.ts';
import { type Lang, labelledTotals, type TableModel } from '../reports/table-model.ts';
import { toXlsxWorkbook } from '../reports/xlsx.ts';
import { checkTimeZone, UnknownTimeZoneError, wallClock, zonedInstant } from '../time/zoned-time.ts';
import { NoLedgerError, openCliLedger } from './cli-ledger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE, UsageError } from './cli-options.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';
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
  --lang L      zh-CN or en (default: the terminal's language, LANG, for a table on the
                terminal; zh-CN for a file)
  --tz ZONE     time zone of dates and days (default rules.timezone of the configuration)
${SHARED_USAGE}`;

const FORMATS = ['table', 'csv', 'xlsx', 'json'] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS = {
  tz: { type: 'string' },
  year: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  recorder: { type: 'string' },
  officer: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  lang: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

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
  throw new UsageError({ key: 'cli.usage.oneOf', params: { name, allowed: allowed.join(', ') } });
}

/** Midnight starting the day `YYYY-MM-DD` (+ addDays) in `timeZone`. */
function dayStart(value: string, name: string, timeZone: string, addDays: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const valid = m && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (!valid) throw new UsageError({ key: 'cli.usage.date', params: { name } });
  return new Date(zonedInstant(timeZone, y, mo, d + addDays));
}

function yearOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{4}$/.test(value) || Number(value) < 2000 || Number(value) > 2100) {
    throw new UsageError({ key: 'cli.usage.year' });
  }
  return Number(value);
}

/** The time zone of the report: --tz, else the configuration's rules.timezone. */
function timeZoneOf(values: Values, config: DockConfig): string {
  if (values.tz === undefined) return config.rules.timezone;
  try {
    checkTimeZone(values.tz);
  } catch (err) {
    if (err instanceof UnknownTimeZoneError)
      throw new UsageError({ key: 'cli.usage.unknownZone', params: { zone: err.timeZone } });
    throw err;
  }
  return values.tz;
}

/** Check the options that only one kind of report takes. */
function checkOptionsFor(name: string, values: Values): void {
  const ledgerOnly = ['from', 'to', 'recorder', 'officer'] as const;
  if (name === 'ledger' && values.year !== undefined) throw new UsageError({ key: 'cli.usage.ledgerNoYear' });
  if (name !== 'ledger') {
    for (const k of ledgerOnly)
      if (values[k] !== undefined) throw new UsageError({ key: 'cli.usage.ledgerOnly', params: { name: k } });
  }
  if (name === 'handover' && values.year !== undefined)
    throw new UsageError({ key: 'cli.usage.handoverNoYear' });
}

/** What the command builds once the ledger is open. */
type Build = (ledger: Ledger) => TableModel[];

/** Check the options and return how to build the tables once the ledger is open. */
function tablesFor(name: string, values: Values, now: Date, timeZone: string): Build {
  checkOptionsFor(name, values);
  const today = wallClock(now.getTime(), timeZone);
  if (name !== 'ledger' && isReportName(name)) {
    const year = yearOption(values.year, name === 'statistics' ? today.year - 1 : today.year);
    return (ledger) => buildReport(ReportQueries.of(ledger), name, { year, at: now, timeZone });
  }
  if (name !== 'ledger') throw new UsageError({ key: 'cli.usage.noReport', params: { name } });
  const from = values.from
    ? dayStart(values.from, '--from', timeZone, 0)
    : new Date(zonedInstant(timeZone, today.year, today.month, 1));
  const to = values.to
    ? dayStart(values.to, '--to', timeZone, 1)
    : new Date(zonedInstant(timeZone, today.year, today.month, today.day + 1));
  if (from.getTime() >= to.getTime()) throw new UsageError({ key: 'cli.usage.fromTo' });
  return (ledger) => [
    ledgerTable(ReportQueries.of(ledger), {
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

/** What one `dockctl report` run makes, checked before the ledger is opened. */
interface ReportPlan {
  readonly name: string;
  readonly format: Format;
  readonly lang: Lang;
  readonly timeZone: string;
  readonly config: DockConfig;
  readonly out: string | undefined;
  readonly build: Build;
}

/** Parse and check the command line; null when only help was asked for. */
async function planReport(io: CliIo, at: Date): Promise<ReportPlan | null> {
  const { values, positionals } = parseCommandLine(io.argv, OPTIONS);
  if (values.help) return null;
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError({ key: 'cli.usage.nameReport' });
  if (extra.length > 0)
    throw new UsageError({ key: 'cli.usage.unexpected', params: { arg: extra[0] ?? '' } });
  const format = oneOf(values.format, FORMATS, '--format', 'table');
  // A table on the terminal is read there, in its language; a file is the office's document.
  const onTerminal = format === 'table' && values.out === undefined;
  const lang = oneOf(
    values.lang,
    ['zh-CN', 'en'] as const,
    '--lang',
    onTerminal ? langFromEnv(io.env) : 'zh-CN',
  );
  if (format === 'xlsx' && values.out === undefined) {
    throw new UsageError({ key: 'cli.usage.xlsxOut' });
  }
  const config = await commandConfig(values, io.env);
  const timeZone = timeZoneOf(values, config);
  const build = tablesFor(name, values, at, timeZone);
  return { name, format, lang, timeZone, config, out: values.out, build };
}

/** The report's tables from the ledger, rendered. */
async function produce(plan: ReportPlan): Promise<string | Buffer> {
  const ledger = await openCliLedger(plan.config);
  try {
    return await render(plan.build(ledger), plan.format, plan.lang, plan.timeZone, plan.name);
  } finally {
    ledger.close();
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
        io.stderr.write(
          `dockctl report: ${message}\n${usage ? commandHelp({ name: 'report', summary: '' }, USAGE, langFromEnv(io.env)).usage : ''}`,
        );
        return code;
      };
      let plan: ReportPlan | null;
      let output: string | Buffer;
      try {
        plan = await planReport(io, now());
        if (plan === null) {
          io.stdout.write(USAGE);
          return ExitCode.ok;
        }
        output = await produce(plan);
      } catch (err) {
        if (err instanceof UsageError || err instanceof ReportParameterError)
          return fail(ExitCode.usage, err.message, true);
        if (err instanceof NoLedgerError) return fail(ExitCode.noInput, err.message);
        const code = configErrorExit(io, err);
        if (code !== null) return code;
        throw err;
      }
      if (plan.out === undefined) {
        io.stdout.write(output);
        return ExitCode.ok;
      }
      try {
        await writeFileDurable(plan.out, output);
      } catch (err) {
        return fail(ExitCode.ioErr, `cannot write ${plan.out}: ${(err as Error).message}`);
      }
      io.stdout.write(`${domainText(langFromEnv(io.env), 'cli.report.written', { file: plan.out })}\n`);
      return ExitCode.ok;
    },
  };
}

/** `dockctl report`: the 台账 and the yearly and handover reports as a table, CSV, XLSX or JSON. */
export const reportCommand: CliCommand = createReportCommand();
