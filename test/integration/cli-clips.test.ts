import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipsCommand, labelCommand } from '../../agent/cli/clip-commands.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { FakeClock, openTestLedger, populate, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';

const run = runCli;

describe('dockctl clips and label', () => {
  it('labels a clip, finds it by case number, never prints the party, and the chain still verifies', async () => {
    const { dir, paths, cleanup } = tempState('cli-clips-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    const { clips } = await populate(ledger, paths, clock, 2, 2);
    ledger.close();
    try {
      const clip = clips[1];
      assert.ok(clip);
      const state = ['--state', dir];
      const labelled = await run(labelCommand, [
        clip.id,
        ...state,
        '--by',
        'mgr-1',
        '--case',
        '(2026)乡综执罚字第12号',
        '--party',
        '王五',
        '--important',
      ]);
      assert.equal(labelled.code, 0, labelled.err);
      assert.match(labelled.out, /important/);
      assert.doesNotMatch(labelled.out, /王五/);

      const found = await run(clipsCommand, [...state, '--case', '(2026)乡综执罚字第12号', '--json']);
      assert.equal(found.code, 0, found.err);
      const rows = JSON.parse(found.out) as { id: string; labels: { party: string; important: boolean } }[];
      assert.deepEqual(
        rows.map((r) => r.id),
        [clip.id],
      );
      assert.equal(rows[0]?.labels.party, '(hidden)');
      assert.equal(rows[0]?.labels.important, true);

      const byOfficer = await run(clipsCommand, [...state, '--officer', '310002', '--json']);
      const theirs = JSON.parse(byOfficer.out) as { serial: string }[];
      assert.equal(theirs.length, 2);
      assert.ok(theirs.every((c) => c.serial === 'ZFY0002'));

      const table = await run(clipsCommand, [...state, '--recorder', 'ZFY0001']);
      assert.equal(table.code, 0);
      assert.equal(table.out.trim().split('\n').length, 3, 'a header and two clips');

      const bad = await run(clipsCommand, [...state, '--from', '21/11/2026']);
      assert.equal(bad.code, 64);
      assert.match(bad.err, /--from must be a date/);
      const unknown = await run(labelCommand, ['nope', ...state, '--by', 'x', '--case', 'A']);
      assert.equal(unknown.code, 64);

      const report = await verifyLedger({ paths, scratchDir: dir });
      assert.equal(report.findings.length, 0);
    } finally {
      cleanup();
    }
  });
});
