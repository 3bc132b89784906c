import { parseArgs } from 'node:util';
import { silentLogger } from '../ops/logger.ts';
import { pathsUnder } from '../paths.ts';
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { createIngestRuntime } from './ingest-runtime.ts';
import { progressLine } from './progress-line.ts';

const HELP = `usage: dockctl ingest [--state DIR] [--json] FILE...

Seal files into the vault by hand (copy once, SHA-256, fsync, verify, publish read-only).
The dock does this by itself for docked recorders; this is for IT and for recovery.
  --state DIR   the dock's state directory (default: $DOCK_STATE_DIR or /var/lib/recorder-dock)
  --json        print one JSON object per file instead of a table
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
  const stateDir = parsed.values.state ?? io.env.DOCK_STATE_DIR ?? '/var/lib/recorder-dock';
  const runtime = createIngestRuntime(pathsUnder(stateDir), silentLogger());
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  const unsubscribe = runtime.ingester.onProgress((p) => {
    if (tty) io.stderr.write(`\r\x1b[K${progressLine(p)}`);
  });
  try {
    const settled = await runtime.ingester.ingestAll(
      files.map((file) => ({ source: { kind: 'file', path: file }, resumeKey: `manual:${file}` })),
    );
    if (tty) io.stderr.write('\r\x1b[K');
    let failures = 0;
    for (const s of settled) {
      if (s.ok) {
        const r = s.result;
        io.stdout.write(
          parsed.values.json
            ? `${JSON.stringify({ file: r.sourcePath, sha256: r.sha256, size: r.size, vaultPath: r.vaultPath, duplicate: r.duplicate, verifiedBy: r.verifiedBy })}\n`
            : `${r.sha256}  ${r.sourcePath}${r.duplicate ? '  (already in the vault)' : ''}\n`,
        );
      } else {
        failures++;
        io.stderr.write(`dockctl ingest: ${s.error.message}\n`);
      }
    }
    return failures === 0 ? ExitCode.ok : ExitCode.ioErr;
  } finally {
    unsubscribe();
    await runtime.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { state: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
}
