import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../../agent/ledger/ledger.ts';
import type { ClipRecord } from '../../agent/ledger/ledger-records.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const COLUMNS = 80;

/** Run a command, collecting everything it writes; resolves with its exit code. */
function run(
  cmd: string,
  args: string[],
  timeoutMs = 300_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPO,
      env: { ...process.env, DOCK_LOG_LEVEL: 'error' },
      detached: true,
    });
    const chunks: Buffer[] = [];
    // A demo that hangs fails the test with what it printed, instead of hanging the suite.
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

const ESC = '\u001b';
const CSI = new RegExp(`^${ESC}\\[(\\d*)([A-Za-z])`);

/**
 * What a terminal of `columns` shows after this output: lines, carriage returns, wrapping at the
 * right edge, and the cursor-up / erase sequences the demo's redraw uses (CSI n A, J, K, n G).
 * Returns the logical lines: a row the terminal wrapped onto is joined to the row before it.
 */
function screenOf(output: string, columns: number): string[] {
  const rows: { chars: string[]; wrapped: boolean }[] = [{ chars: [], wrapped: false }];
  let row = 0;
  let col = 0;
  const line = () => {
    while (rows.length <= row) rows.push({ chars: [], wrapped: false });
    return rows[row] as { chars: string[]; wrapped: boolean };
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i] as string;
    if (ch === ESC && output[i + 1] === '[') {
      const m = CSI.exec(output.slice(i));
      if (!m) continue;
      i += (m[0] as string).length - 1;
      const n = m[1] === '' ? 1 : Number(m[1]);
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'G') col = n - 1;
      else if (m[2] === 'K') line().chars.length = Math.min(line().chars.length, col);
      else if (m[2] === 'J') {
        line().chars.length = Math.min(line().chars.length, col);
        rows.length = row + 1;
      }
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      line().wrapped = false;
    } else {
      if (col >= columns) {
        row++;
        col = 0;
        line().wrapped = true;
      }
      const l = line().chars;
      while (l.length < col) l.push(' ');
      l[col] = ch;
      col++;
    }
  }
  const lines: string[] = [];
  for (const r of rows) {
    if (r.wrapped && lines.length > 0) lines[lines.length - 1] += r.chars.join('');
    else lines.push(r.chars.join(''));
  }
  return lines;
}

function clipsOf(stateDir: string): Promise<ClipRecord[]> {
  return Ledger.open(testLedgerOptions(pathsUnder(stateDir))).then((ledger) => {
    try {
      return ledger.queries.clipsSealedAfter(0);
    } finally {
      ledger.close();
    }
  });
}

/** Every sealed clip has its line, with its flags, among `lines`. */
function assertEverySeal(lines: readonly string[], clips: readonly ClipRecord[], where: string): void {
  assert.ok(clips.length >= 9, `${where}: the demo sealed ${clips.length} clips`);
  for (const c of clips) {
    const shown = lines.filter((l) =>
      l.includes(`${c.serial}  sealed ${c.sourcePath}  sha256 ${c.sha256.slice(0, 12)}`),
    );
    assert.equal(shown.length, 1, `${where}: the seal line of ${c.serial} ${c.sourcePath}`);
    for (const flag of c.flags)
      assert.match(shown[0] as string, new RegExp(`\\[.*${flag}.*\\]`), `${where}: [${flag}]`);
  }
  assert.ok(clips.some((c) => c.flags.includes('gap')) && clips.some((c) => c.flags.includes('late')));
}

describe('the demo terminal keeps every seal line', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'demo-screen-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('in a real terminal (a pty through script) and outside one, with the [gap] and [late] flags', async () => {
    const demo = (d: string) => `npx tsx agent/bin/dockd.ts demo --dir ${d} --clip-mib 1 --exit`;
    const ttyDir = path.join(dir, 'tty');
    const pipeDir = path.join(dir, 'pipe');
    // One after the other: two demos at once compete for the page's port and the 2 cores.
    const tty = await run('script', ['-qfec', `stty cols ${COLUMNS} rows 40; ${demo(ttyDir)}`, '/dev/null']);
    const pipe = await run('sh', ['-c', `${demo(pipeDir)} | cat`]);
    assert.equal(tty.code, 0, tty.out.slice(-2000));
    assert.equal(pipe.code, 0, pipe.out.slice(-2000));
    assert.ok(
      new RegExp(`${ESC}\\[\\d+A${ESC}\\[J`).test(tty.out),
      'the terminal run redrew its progress lines',
    );
    assert.ok(!pipe.out.includes(`${ESC}[`), 'no cursor movements outside a terminal');
    assertEverySeal(screenOf(tty.out, COLUMNS), await clipsOf(path.join(ttyDir, 'state')), 'terminal');
    assertEverySeal(pipe.out.split('\n'), await clipsOf(path.join(pipeDir, 'state')), 'pipe');
  });
});
