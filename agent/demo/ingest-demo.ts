import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { formatBytes, progressLine } from '../cli/progress-line.ts';
import type { Ingester, IngestRequest, IngestSettled } from '../ingest/ingester.ts';
import { SourceGoneError } from '../ingest/source.ts';

/** What the demo needs: where to play, an ingester, a terminal. */
export interface IngestDemoDeps {
  readonly demoDir: string;
  readonly ingester: Ingester;
  readonly out: NodeJS.WriteStream;
  readonly logger: Logger;
  /** Size of each generated clip (bytes). */
  readonly clipBytes: number;
}

const CLIPS = ['20261121_083000_0001.MP4', '20261121_084500_0002.MP4', '20261121_090000_0003.MP4'];

/**
 * The ingest core on a generated recorder volume: dock, copy and seal three clips with live
 * progress; a yank in the middle of the third; a re-dock that resumes it; a third dock that finds
 * everything already sealed. Ends with how to check the vault with standard tools.
 */
export async function runIngestDemo(deps: IngestDemoDeps): Promise<void> {
  const { out, ingester } = deps;
  const volume = path.join(deps.demoDir, 'recorder', 'DCIM', '100MEDIA');
  say(out, `simulated recorder volume: ${volume}`);
  const files = await makeClips(volume, deps.clipBytes);
  const stopProgress = showProgress(out, ingester);
  try {
    say(out, '\n== dock 1: the recorder is pulled out while the third clip copies');
    const firstDock = files.map((file, i): IngestRequest => {
      const key = `DEMO-SN-0001:${path.basename(file)}`;
      if (i < 2) return { source: { kind: 'file', path: file }, resumeKey: key };
      return {
        source: {
          kind: 'faulty',
          path: file,
          failAtByte: Math.floor(deps.clipBytes * 0.4),
          errorCode: 'EIO',
        },
        resumeKey: key,
      };
    });
    report(out, await ingester.ingestAll(firstDock));
    say(out, '\n== dock 2: the recorder is docked again; the third clip resumes where it stopped');
    const redock = files.map(
      (file): IngestRequest => ({
        source: { kind: 'file', path: file },
        resumeKey: `DEMO-SN-0001:${path.basename(file)}`,
      }),
    );
    report(out, await ingester.ingestAll(redock));
    say(out, '\n== dock 3: nothing new; identical content is recognised, not stored twice');
    report(out, await ingester.ingestAll(redock));
  } finally {
    stopProgress();
  }
  const vault = path.join(deps.demoDir, 'state', 'vault', 'sha256');
  say(out, `\nvault: ${vault} (read-only files named by their SHA-256)`);
  say(out, `check any file yourself: sha256sum ${vault}/*/*`);
}

async function makeClips(volume: string, bytes: number): Promise<string[]> {
  await fsp.mkdir(volume, { recursive: true });
  const files: string[] = [];
  for (const name of CLIPS) {
    const file = path.join(volume, name);
    const exists = await fsp.stat(file).then(
      (s) => s.size === bytes,
      () => false,
    );
    if (!exists) await writeClip(file, bytes);
    files.push(file);
  }
  return files;
}

/** Incompressible stand-in footage, deterministic per name (a real MP4 simulator comes with the drivers). */
async function writeClip(file: string, bytes: number): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    let block = createHash('sha512').update(path.basename(file)).digest();
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let written = 0; written < bytes; ) {
      for (let i = 0; i < chunk.length; i += block.length) {
        block = createHash('sha512').update(block).digest();
        block.copy(chunk, i);
      }
      const len = Math.min(chunk.length, bytes - written);
      await handle.write(chunk, 0, len, written);
      written += len;
    }
  } finally {
    await handle.close();
  }
}

function showProgress(out: NodeJS.WriteStream, ingester: Ingester): () => void {
  let last = 0;
  return ingester.onProgress((p) => {
    const now = Date.now();
    if (out.isTTY) {
      out.write(`\r\x1b[K${progressLine(p)}`);
    } else if (now - last >= 1000 || p.bytesDone === p.bytesTotal) {
      last = now;
      out.write(`${progressLine(p)}\n`);
    }
  });
}

function report(out: NodeJS.WriteStream, settled: readonly IngestSettled[]): void {
  if (out.isTTY) out.write('\r\x1b[K');
  for (const s of settled) {
    const name = path.basename(s.request.source.path);
    if (s.ok) {
      const r = s.result;
      const how = r.duplicate
        ? 'already sealed'
        : r.resumedFrom > 0
          ? `sealed, resumed from ${formatBytes(r.resumedFrom)}`
          : 'sealed';
      say(
        out,
        `  ${name}  ${how}  sha256 ${r.sha256.slice(0, 16)}…  ${formatBytes(r.size)}  verified by ${r.verifiedBy}`,
      );
    } else if (s.error instanceof SourceGoneError) {
      say(
        out,
        `  ${name}  not sealed: the recorder was pulled out; the copied part is kept for the next dock`,
      );
    } else {
      say(out, `  ${name}  not sealed: ${s.error.message}`);
    }
  }
}

function say(out: NodeJS.WriteStream, line: string): void {
  out.write(`${line}\n`);
}
