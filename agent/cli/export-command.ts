import { existsSync } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import type { DockConfig } from '../config/dock-config.ts';
import { isDockError } from '../errors.ts';
import { createExport, type ExportProgress, exportPackageDir } from '../export/export-service.ts';
import { type PackageReport, verifyExportPackage } from '../export/verify-package.ts';
import { type DomainKey, domainText } from '../i18n/domain.ts';
import { langFromEnv, type MessageParams } from '../i18n/lang.ts';
import { ProgressMeter } from '../ingest/progress.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { createLifecycle } from '../lifecycle/lifecycle-setup.ts';
import { silentLogger } from '../ops/logger.ts';
import { formatBytes } from '../reports/byte-format.ts';
import { NoLedgerError, openCliLedger } from './cli-ledger.ts';
import { cliNamer } from './cli-names.ts';
import { commandConfig, parseCommandLine, SHARED_USAGE, UsageError, usageHint } from './cli-options.ts';
import { type CliView, cliView } from './cli-view.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { progressLine } from './progress-line.ts';
import { handle, resolveHandle } from './short-ids.ts';
import { formatTable } from './table.ts';

const HELP = `usage: dockctl export create --request ID --user NAME [--case NO] [--reason TEXT] [--config FILE] [--state DIR] [--json]
       dockctl export list [--config FILE] [--state DIR] [--json]
       dockctl export verify PATH [--json]

R10 export packages for administrative review or litigation (BagIt 1.0, SHA-256 manifests, the
ledger events of each clip and a signed checkpoint), kept in web.exportsDir (default
<state>/exports) as <export id>/.
  create   copy the clips of an approved export request (R6) into a new package, each checked
           against its seal, and record it in the ledger and the access log (查询台账)
  list     the packages recorded in the ledger, and whether each folder is still there
  verify   check a package folder or its .zip: every file, manifest, event hash and the
           checkpoint signature; names every bad file
  --request ID   the approved access request (purpose export) of --user
  --user NAME    the account exporting; must be the one that asked for the approval
  --case NO      case number (案号) for bag-info.txt
  --reason TEXT  why, for the access log
${SHARED_USAGE}  --json         print the result as JSON
Exit status: 0 ok (verify: the package is intact); 1 verify found problems, or a vault file does
not match its seal; 64 usage; 65 refused, or not an export package; 66 no ledger or no such PATH;
74 not enough space; 78 configuration.
`;

type Values = ReturnType<typeof parse>['values'];

function parse(io: CliIo) {
  const { values, positionals } = parseCommandLine(io.argv, {
    request: { type: 'string' },
    user: { type: 'string' },
    case: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [action, ...rest] = positionals;
  return { action, values, rest };
}

/** A progress line on a terminal, redrawn at most ten times a second. */
function progressDisplay(io: CliIo, bytesTotal: number, view: CliView) {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  const meter = new ProgressMeter();
  let last = 0;
  return {
    update(p: ExportProgress) {
      const now = Date.now();
      if (!tty || (now - last < 100 && p.done < p.total)) return;
      last = now;
      const rate = meter.sample(now, p.bytes, bytesTotal);
      const line = progressLine(
        {
          resumeKey: '',
          owner: '',
          sourcePath: view.t('cli.export.progress', { n: Math.min(p.done + 1, p.total), total: p.total }),
          phase: 'copy',
          bytesDone: p.bytes,
          bytesTotal,
          ...rate,
        },
        24,
        view.lang,
      );
      io.stderr.write(`\r\x1b[K${line}`);
    },
    clear() {
      if (tty) io.stderr.write('\r\x1b[K');
    },
  };
}

/** Run `fn` on the configured ledger, with the exports folder the page uses and the vault. */
async function withLedger<T>(
  io: CliIo,
  values: Values,
  fn: (
    l: Ledger,
    dirs: {
      exportsDir: string;
      vaultDir: string;
      config: DockConfig;
      ensureLocal: (sha256: string) => Promise<unknown>;
    },
  ) => Promise<T>,
) {
  const config = await commandConfig(values, io.env);
  const ledger = await openCliLedger(config);
  const life = await createLifecycle(config, ledger.lifecycle, silentLogger());
  try {
    return await fn(ledger, {
      exportsDir: config.web.exportsDir,
      vaultDir: config.paths.vaultDir,
      config,
      ensureLocal: (sha256) => life.fetchBack.ensureLocal(sha256),
    });
  } finally {
    await life.store.close();
    ledger.close();
  }
}

async function create(io: CliIo, values: Values, rest: string[]): Promise<number> {
  if (rest.length > 0) throw new UsageError({ key: 'cli.usage.unexpected', params: { arg: rest[0] ?? '' } });
  if (!values.request || !values.user) throw new UsageError({ key: 'cli.usage.exportCreate' });
  const { user } = values;
  return withLedger(io, values, async (ledger, { exportsDir, vaultDir, config, ensureLocal }) => {
    const request = resolveHandle(ledger, 'access_requests', values.request as string);
    const clipIds = ledger.accessQueries.accessRequest(request)?.clipIds ?? [];
    const total = clipIds.reduce((n, id) => n + (ledger.accessQueries.clip(id)?.size ?? 0), 0);
    const view = cliView(config, io.env);
    const progress = progressDisplay(io, total, view);
    let record: Awaited<ReturnType<typeof createExport>>;
    try {
      record = await createExport(
        { ledger, exportsDir, vaultDir, unit: config.unit, ensureLocal },
        { requestId: request, createdBy: user, caseNo: values.case ?? null, reason: values.reason ?? null },
        progress.update,
      );
    } finally {
      progress.clear();
    }
    const dir = exportPackageDir(exportsDir, record.id);
    if (values.json) io.stdout.write(`${JSON.stringify({ ...record, dir }, null, 2)}\n`);
    else
      io.stdout.write(
        `${view.t('cli.export.created', {
          export: cliNamer(ledger, view).subject(`export:${record.id}`).text,
          clips: record.clipIds.length,
          bytes: formatBytes(record.bytes),
          dir,
          sha256: record.manifestSha256,
        })}\n`,
      );
    return ExitCode.ok;
  });
}

async function list(io: CliIo, values: Values, rest: string[]): Promise<number> {
  if (rest.length > 0) throw new UsageError({ key: 'cli.usage.unexpected', params: { arg: rest[0] ?? '' } });
  return withLedger(io, values, async (ledger, { exportsDir, config }) => {
    const view = cliView(config, io.env);
    const rows = ledger.accessQueries.exports().map((e) => {
      const dir = exportPackageDir(exportsDir, e.id);
      return { ...e, dir, present: existsSync(dir) };
    });
    if (values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) io.stdout.write(`${view.t('cli.export.none')}\n`);
    else {
      const names = cliNamer(ledger, view);
      const cols = [
        'created',
        'exportedBy',
        'caseNo',
        'clips',
        'size',
        'request',
        'folder',
        'handle',
      ] as const;
      io.stdout.write(
        formatTable(
          cols.map((c) => view.t(`cli.col.${c}`)),
          rows.map((r) => [
            view.time(r.createdAt),
            names.account(r.createdBy),
            r.caseNo,
            r.clipIds.length,
            formatBytes(r.bytes),
            names.request(r.requestId) || null,
            view.t(r.present ? 'cli.export.present' : 'cli.export.missing'),
            handle(r.id),
          ]),
        ) + view.zoneNote,
      );
    }
    return ExitCode.ok;
  });
}

/** A file name as printed: quoted with escapes when it holds control characters. */
function shown(name: string): string {
  return /[\p{Cc}\p{Cf}]/u.test(name) ? JSON.stringify(name) : name;
}

function printReport(io: CliIo, target: string, r: PackageReport, view: Pick<CliView, 'lang' | 't'>): void {
  const out = (s: string) => io.stdout.write(`${s}\n`);
  const t = view.t;
  const unknown = t('cli.verify.unknown');
  const id = (v: string | undefined) => (v ? handle(v) : unknown);
  out(
    t('cli.export.package', {
      target,
      export: id(r.info['External-Identifier']),
      dock: id(r.info['Dock-Id']),
    }),
  );
  const cp = r.checkpoint
    ? t(r.checkpoint.verified ? 'cli.export.signed' : 'cli.export.notSigned', { seq: r.checkpoint.seq })
    : t('cli.export.noCheckpoint');
  out(t('cli.export.payload', { files: r.files, bytes: formatBytes(r.bytes), checkpoint: cp }));
  // English says the checker's sentence; another language the kind in words beside the file, the
  // English sentence staying in --json.
  for (const p of r.problems)
    out(
      view.lang === 'en'
        ? t('cli.export.problem', { file: shown(p.file), kind: p.kind, detail: p.detail })
        : t('cli.export.problemKind', { file: shown(p.file), kind: t(`cli.export.kind.${p.kind}`) }),
    );
  const n = r.problems.length;
  out(r.ok ? t('cli.export.intact') : t(n === 1 ? 'cli.export.brokenOne' : 'cli.export.broken', { n }));
  if (!r.ok && view.lang !== 'en') out(t('cli.verify.detailsInJson'));
}

async function verify(io: CliIo, values: Values, rest: string[]): Promise<number> {
  // A package is checked anywhere, without the dock's configuration: only the language matters.
  const lang = langFromEnv(io.env);
  const view = { lang, t: (key: DomainKey, params?: MessageParams) => domainText(lang, key, params) };
  if (rest.length !== 1) throw new UsageError({ key: 'cli.usage.exportVerify' });
  const target = rest[0] as string;
  const report = await verifyExportPackage(target);
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(io, target, report, view);
  return report.ok ? ExitCode.ok : ExitCode.findings;
}

function exitCodeFor(err: unknown): number | null {
  if (err instanceof UsageError || isDockError(err, 'EXPORT_INPUT')) return ExitCode.usage;
  if (isConfigError(err)) return err.exitCode;
  if (err instanceof NoLedgerError || isDockError(err, 'EXPORT_PACKAGE_MISSING')) return ExitCode.noInput;
  if (isDockError(err, 'EXPORT_SEAL_MISMATCH')) return ExitCode.findings;
  if (isDockError(err, 'EXPORT_NO_SPACE')) return ExitCode.ioErr;
  if (isDockError(err)) return ExitCode.dataErr;
  return null;
}

/** `dockctl export`: create, list and verify R10 export packages. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'create an export package of an approved request, list packages, verify a package or its .zip',
  async run(io) {
    try {
      const { action, values, rest } = parse(io);
      if (values.help || action === undefined) {
        io.stdout.write(HELP);
        return values.help ? ExitCode.ok : ExitCode.usage;
      }
      if (action === 'create') return await create(io, values, rest);
      if (action === 'list') return await list(io, values, rest);
      if (action === 'verify') return await verify(io, values, rest);
      throw new UsageError({ key: 'cli.usage.unknownAction', params: { action } });
    } catch (err) {
      const code = exitCodeFor(err);
      if (code === null) throw err;
      const hint = err instanceof UsageError ? usageHint('export', langFromEnv(io.env)) : '';
      const message = isConfigError(err)
        ? formatConfigError(err, langFromEnv(io.env))
        : (err as Error).message;
      io.stderr.write(`dockctl export: ${message}${hint}\n`);
      return code;
    }
  },
};
