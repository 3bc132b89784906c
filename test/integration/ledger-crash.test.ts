import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { FakeClock, openTestLedger, REPO_ROOT, tempState } from '../fixtures/ledger/ledger-fixture.ts';

const CHILD = path.join(REPO_ROOT, 'test/fixtures/ledger/append-loop.ts');
const ROUNDS = 20;

/** Run the child until it is killed; resolve with the last complete "<seq> <hash>" line it wrote. */
function runAndKill(
  stateDir: string,
  killAfterMs: number,
  waitForFirstLine: boolean,
): Promise<{ seq: number; hash: string } | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stateDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    if (!waitForFirstLine) arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) arm();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${err}`));
      const lines = out.split('\n').slice(0, -1); // the last piece may be a partial line
      const last = lines.at(-1);
      if (!last) return resolve(null);
      const [seq, hash] = last.split(' ');
      resolve({ seq: Number(seq), hash: hash ?? '' });
    });
  });
}

describe('crash safety', () => {
  it(`survives ${ROUNDS} SIGKILLs while appending: the chain verifies and keeps every reported event`, async (t) => {
    const { dir, paths, cleanup } = tempState('ledger-crash-');
    try {
      let lastReported: { seq: number; hash: string } | null = null;
      let killedMidOpen = 0;
      let inFlightKept = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Every fifth round is killed on a timer from spawn, often during start-up or migration.
        const early = round % 5 === 0;
        const reported = await runAndKill(
          dir,
          early ? 150 + 60 * round : 20 + Math.floor(Math.random() * 300),
          !early,
        );
        if (reported === null) killedMidOpen++;
        if (reported) lastReported = reported;

        const ledger = await openTestLedger(paths, new FakeClock());
        const head = ledger.head();
        ledger.close();
        if (lastReported) {
          // Nothing reported as committed is lost; at most the one event in flight at the kill is extra.
          assert.ok(
            head.seq >= lastReported.seq,
            `round ${round}: head ${head.seq} lost reported event ${lastReported.seq}`,
          );
          assert.ok(
            head.seq <= lastReported.seq + 1,
            `round ${round}: head ${head.seq} is beyond reported ${lastReported.seq} + 1`,
          );
          if (head.seq === lastReported.seq)
            assert.equal(head.hash, lastReported.hash, `round ${round}: the last event differs`);
          if (head.seq > lastReported.seq) inFlightKept++;
          lastReported = { seq: head.seq, hash: head.hash };
        }
        const report = await verifyLedger({ paths });
        assert.deepEqual(report.findings, [], `round ${round}: verify found problems`);
        assert.equal(report.ok, true);
      }
      t.diagnostic(
        `head ${lastReported?.seq}; ${killedMidOpen} kills before the first commit; ${inFlightKept} in-flight events kept`,
      );
      assert.ok(lastReported && lastReported.seq > ROUNDS, 'the child made progress between kills');
      assert.ok(killedMidOpen < ROUNDS, 'some rounds reached the append loop');
    } finally {
      cleanup();
    }
  });
});
