import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ledgerFile } from '../../agent/ledger/database.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { buildSimVolume } from '../../drivers/sim/sim-volume.ts';

const CHILD = path.join(import.meta.dirname, '../fixtures/dock/dockd-sim-child.ts');
const MiB = 1024 * 1024;
const children: ChildProcess[] = [];

/** Start the child dockd; resolves lines as they come. */
function startChild(stateDir: string, simDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stateDir, simDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, lines };
}

async function until(what: string, condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

describe('dockd killed in the middle of a session', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dock-crash-'));
  });
  after(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('completes the session after a restart without re-sealing or losing a clip', async () => {
    const stateDir = path.join(root, 'state');
    const simDir = path.join(root, 'sim');
    const first = Date.now() - 3_600_000;
    const clips = await buildSimVolume(
      path.join(simDir, 'volume'),
      // a small first clip is sealed before the kill; the large second one is cut in the middle
      [8, 640, 32].map((mib, i) => ({
        start: new Date(first + i * 2000),
        seconds: 2,
        padToBytes: mib * MiB,
      })),
    );
    const sources = new Map(
      clips.map((c) => [
        c.relPath,
        createHash('sha256')
          .update(readFileSync(path.join(simDir, 'volume', c.relPath)))
          .digest('hex'),
      ]),
    );
    const staging = pathsUnder(stateDir).stagingDir;
    const partBytes = () => {
      try {
        return readdirSync(staging)
          .filter((f) => f.endsWith('.part'))
          .reduce((n, f) => n + statSync(path.join(staging, f)).size, 0);
      } catch {
        return 0;
      }
    };

    const one = startChild(stateDir, simDir);
    await until('the first seal', () => one.lines.includes('sealed 1'));
    await until('the second copy under way', () => partBytes() > 64 * MiB);
    one.child.kill('SIGKILL');
    await exited(one.child);
    assert.ok(partBytes() > 0, 'the partial copy is still there after the kill');

    const two = startChild(stateDir, simDir);
    await until('the restarted session', () => two.lines.some((l) => l.startsWith('result ')));
    two.child.stdin?.end('stop\n');
    await exited(two.child);
    assert.ok(
      two.lines.some((l) => l.startsWith('result complete')),
      two.lines.join('\n'),
    );

    const db = new Database(ledgerFile(pathsUnder(stateDir)), { readonly: true });
    const sealed = db.prepare('SELECT source_path, sha256 FROM clips').all() as {
      source_path: string;
      sha256: string;
    }[];
    const sealEvents = (
      db.prepare("SELECT count(*) AS n FROM events WHERE type = 'clip.sealed'").get() as { n: number }
    ).n;
    const outcomes = (
      db.prepare('SELECT outcome FROM sessions ORDER BY started_at').all() as { outcome: string }[]
    ).map((r) => r.outcome);
    db.close();
    assert.deepEqual(
      new Map(sealed.map((c) => [c.source_path, c.sha256])),
      sources,
      'every clip sealed with its true digest',
    );
    assert.equal(sealEvents, clips.length, 'no clip sealed twice');
    assert.deepEqual(outcomes, ['interrupted', 'complete'], 'the killed session is closed as interrupted');
    assert.equal(partBytes(), 0, 'no partial copy left behind');
    const report = await verifyLedger({ paths: pathsUnder(stateDir), files: true });
    assert.deepEqual(report.findings, [], 'the ledger and the vault verify');
  });
});
