import type { Ingester } from '../ingest/ingester.ts';
import { silentLogger } from '../ops/logger.ts';
import { commandConfig, configErrorExit, parseCommandLine, SHARED_USAGE } from './cli-options.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
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
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(io.argv);
  } catch (err) {
    io.stderr.write(`dockctl ingest: ${(err as Error).message}\n${HELP}`);
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    io.stderr.write(`dockctl ingest: name at least one FILE\n${HELP}`);
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
    if (tty) io.stderr.write(`\r\x1b[K${progressLine(p)}`);
  });
  try {
    const settled = await runtime.ingester.ingestAll(
      files.map((file) => ({ source: { kind: 'file', path: file }, resumeKey: `manual:${file}` })),
    );
    if (tty) io.stderr.write('\r\x1b[K');
    return printSettled(io, settled, parsed.values.json === true) === 0 ? ExitCode.ok : ExitCode.ioErr;
  } finally {
    unsubscribe();
    await runtime.close();
  }
}

/** One line per file (its digest, or why it failed); returns how many failed. */
function printSettled(io: CliIo, settled: Awaited<ReturnType<Ingester['ingestAll']>>, json: boolean): number {
  let failures = 0;
  for (const s of settled) {
    if (s.ok) {
      const r = s.result;
      io.stdout.write(
        json
          ? `${JSON.stringify({ file: r.sourcePath, sha256: r.sha256, size: r.size, vaultPath: r.vaultPath, duplicate: r.duplicate, verifiedBy: r.verifiedBy })}\n`
          : `${r.sha256}  ${r.sourcePath}${r.duplicate ? '  (already in the vault)' : ''}\n`,
      );
    } else {
      failures++;
      io.stderr.write(`dockctl ingest: ${s.error.message}\n`);
    }
  }
  return failures;
}

function parse(argv: readonly string[]) {
  return parseCommandLine(argv, { json: { type: 'boolean' } });
}
