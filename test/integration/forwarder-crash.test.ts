import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { Ledger } from '../../agent/ledger/ledger.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { TestReceiver } from '../fixtures/forwarder/receiver.ts';
import { REPO_ROOT, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

const CHILD = path.join(REPO_ROOT, 'test/fixtures/forwarder/forward-child.ts');
const RECORDS = 1500;

/** Run the child; `onStart` gets it once its forwarder runs. Resolves with how it ended. */
function runChild(
  stateDir: string,
  url: string,
  onStart: (child: ChildProcess) => void,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stateDir, url, String(RECORDS)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'started') onStart(child);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, lines }));
  });
}

describe('dockd SIGKILLed during a send', () => {
  it('loses nothing; the receiver sees duplicates only as resends of the same record', async () => {
    const { dir, cleanup } = tempState('fwd-crash-');
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      // Rounds 1–3: killed right after the receiver stored a batch, before the answer left.
      for (const killAtBatch of [2, 5, 3]) {
        let seen = 0;
        let child: ChildProcess | null = null;
        receiver.onStored = () => {
          if (++seen === killAtBatch) child?.kill('SIGKILL');
        };
        const run = await runChild(dir, receiver.url, (c) => {
          child = c;
        });
        assert.equal(run.signal, 'SIGKILL', `killed in round ${killAtBatch}: ${run.lines.at(-1)}`);
      }
      // Round 4: killed on a timer, wherever it is.
      receiver.onStored = null;
      const timed = await runChild(dir, receiver.url, (c) => setTimeout(() => c.kill('SIGKILL'), 150));
      assert.ok(timed.signal === 'SIGKILL' || timed.lines.includes('drained'));
      // Last round: runs to the end.
      const last = await runChild(dir, receiver.url, () => {});
      assert.equal(last.code, 0, last.lines.join('\n'));
      assert.ok(last.lines.includes('drained'));

      const ledger = await Ledger.open(testLedgerOptions(pathsUnder(dir)));
      const ids = ledger.outbox.read(0, 100_000).map((r) => r.recordId);
      const epochs = new Set(receiver.batches.map((b) => b.epoch));
      ledger.close();
      assert.ok(ids.length >= RECORDS);
      assert.deepEqual(new Set(receiver.stored.keys()), new Set(ids), 'nothing lost, nothing foreign');
      assert.deepEqual(receiver.invalid, []);
      assert.deepEqual(receiver.conflicts, [], 'every duplicate is the same record again');
      assert.ok(receiver.duplicates().length > 0, 'the batch stored before the kill came again');
      assert.equal(epochs.size, 1, 'a crash is not a restore: the epoch goes on');
    } finally {
      receiver.onStored = null;
      await receiver.stop();
      cleanup();
    }
  });
});
