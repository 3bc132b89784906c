import { domainText, isDomainKey } from '../i18n/domain.ts';
import { errorText } from '../i18n/error-words.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import type { Ingester } from '../ingest/ingester.ts';
import { silentLogger } from '../ops/logger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE } from './cli-options.ts';
import { type CliCommand, type CliIo, commandHelp, ExitCode } from './command.ts';
import { createIngestRuntime } from './ingest-runtime.ts';
import { progressLine } from './progress-line.ts';

const HELP = `usage: dockctl ingest [--config FILE] [--state DIR] [--json] FILE...

Seal files into the vault by hand (copy once, SHA-256, fsync, verify, publish read-only).
The dock does this by itself for docked recorders; this is for IT and for recovery.
${SHARED_USAGE}  --json         print one JSON object per file instead of a table
`;

/** `dockctl ingest FILE...`: seal files into the vault with a progress display. */
export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'seal files into the vault by hand (copy, SHA-256, verify)',
  run: runIngest,
};

async function runIngest(io: CliIo): Promise<number> {
  const lang = langFromEnv(io.env);
  const help = commandHelp(ingestCommand, HELP, lang).usage;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(io.argv, io.env);
  } catch (err) {
    io.stderr.write(`dockctl ingest: ${(err as Error).message}\n${help}`);
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    io.stderr.write(`dockctl ingest: ${domainText(lang, 'cli.ingest.noFiles')}\n${help}`);
    return ExitCode.usage;
  }
  let runtime: ReturnType<typeof createIngestRuntime>;
  try {
    runtime = createIngestRuntime(await commandConfig(parsed.values, io.env), silentLogger());
  } catch (err) {
    const code = configErrorExit(io, err);
    if (code === null) throw err;
    return code;
  }
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  const unsubscribe = runtime.ingester.onProgress((p) => {
    if (tty) io.stderr.write(`\r\x1b[K${progressLine(p, undefined, lang)}`);
  });
  try {
    const settled = await runtime.ingester.ingestAll(
      files.map((file) => ({ source: { kind: 'file', path: file }, resumeKey: `manual:${file}` })),
    );
    if (tty) io.stderr.write('\r\x1b[K');
    const failed = printSettled(io, settled, parsed.values.json === true, lang);
    return failed === 0 ? ExitCode.ok : ExitCode.ioErr;
  } finally {
    unsubscribe();
    await runtime.close();
  }
}

/** One line per file (its digest, or why it failed); returns how many failed. */
function printSettled(
  io: CliIo,
  settled: Awaited<ReturnType<Ingester['ingestAll']>>,
  json: boolean,
  lang: Lang,
): number {
  let failures = 0;
  for (const s of settled) {
    if (s.ok) {
      const r = s.result;
      io.stdout.write(
        json
          ? `${JSON.stringify({ file: r.sourcePath, sha256: r.sha256, size: r.size, vaultPath: r.vaultPath, duplicate: r.duplicate, verifiedBy: r.verifiedBy })}\n`
          : `${r.sha256}  ${r.sourcePath}${r.duplicate ? `  ${domainText(lang, 'cli.ingest.duplicate')}` : ''}\n`,
      );
    } else {
      failures++;
      io.stderr.write(
        `dockctl ingest: ${failureText(lang, s.error, 'source' in s.request ? s.request.source : {})}\n`,
      );
    }
  }
  return failures;
}

/** Why a file was not sealed, in `lang`: the source's own failures name the file asked for. */
function failureText(lang: Lang, err: Error, source: { path?: string }): string {
  const code = (err as { code?: unknown }).code;
  const key = `cli.ingest.${String(code)}`;
  if (lang === 'en' || source.path === undefined || !isDomainKey(key)) return errorText(lang, err);
  return domainText(lang, key, { file: source.path });
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv) {
  return parseCommandLine(argv, { json: { type: 'boolean' } }, env);
}
