import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ledgerFile } from '../../agent/ledger/database.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import {
  FakeClock,
  openTestLedger,
  type Population,
  populate,
  tempState,
} from '../fixtures/ledger/ledger-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

describe('what dock sessions record', () => {
  let ledger: Ledger;
  let paths: DockPaths;
  let cleanup: () => void;
  let pop: Population;
  const clock = new FakeClock();

  before(async () => {
    ({ paths, cleanup } = tempState('ledger-dock-'));
    ledger = await openTestLedger(paths, clock);
    pop = await populate(ledger, paths, clock, 2, 2);
  });
  after(() => {
    if (ledger) ledger.close();
    cleanup();
  });

  it('finds a sealed file by recorder, path and size, and the clip before a time', () => {
    const clip = pop.clips[1]!;
    assert.equal(ledger.sessionRecords.sealedFile(clip.serial, clip.sourcePath, clip.size)?.id, clip.id);
    assert.equal(ledger.sessionRecords.sealedFile(clip.serial, clip.sourcePath, clip.size + 1), null);
    assert.equal(ledger.sessionRecords.sealedFile('OTHER', clip.sourcePath, clip.size), null);
    const prev = ledger.sessionRecords.previousClip(clip.serial, clip.recordingEnd as Date);
    assert.equal(prev?.id, clip.id);
  });

  it('keeps session steps in order', () => {
    const session = ledger.startSession({ serial: 'ZFY0001' });
    for (const step of ['identify', 'read-clock', 'mount'])
      ledger.sessionRecords.step(session.id, step, null);
    assert.deepEqual(
      ledger.sessionRecords.steps(session.id).map((s) => s.step),
      ['identify', 'read-clock', 'mount'],
    );
    ledger.finishSession(session.id, { outcome: 'complete' });
  });

  it('records a wipe only for a sealed clip, once, with its digest', () => {
    const clip = pop.clips[0]!;
    assert.throws(
      () => ledger.sessionRecords.wipe('no-such-clip'),
      /not sealed: a file is wiped only after its seal/,
    );
    ledger.sessionRecords.wipe(clip.id);
    const seq = ledger.head().seq;
    ledger.sessionRecords.wipe(clip.id);
    assert.equal(ledger.head().seq, seq, 'a second wipe record adds no event');
    assert.equal(ledger.sessionRecords.isWiped(clip.id), true);
    assert.deepEqual(
      ledger.sessionRecords.wipedFiles(clip.serial).map((w) => [w.sourcePath, w.sha256]),
      [[clip.sourcePath, clip.sha256]],
    );
  });

  it('explains a gap only with two different registered officers, and resolves its alert', () => {
    const gap = ledger.openAlert(testAlert('recording-gap', 'gap:test'));
    const explain = (signedBy: string[], text = 'the battery ran out while on patrol') =>
      ledger.sessionRecords.explainGap({ alertId: gap.id, text, signedBy });
    assert.throws(() => explain(['310001']), /two or more different officers/);
    assert.throws(() => explain(['310001', '310001']), /two or more different officers/);
    assert.throws(() => explain(['310001', '999999']), /officer 999999 is not registered/);
    assert.throws(() => explain(['310001', '310002'], 'short'), /too short/);
    const resolved = explain(['310002', '310001']);
    assert.ok(resolved.resolvedAt);
    assert.equal(resolved.resolvedBy, '310001,310002');
    assert.deepEqual(ledger.sessionRecords.gapExplanation(gap.id)?.signedBy, ['310001', '310002']);
    assert.throws(() => explain(['310001', '310002']), /already explained/);
    const other = ledger.openAlert(testAlert('late-clip', 'clip:x'));
    assert.throws(
      () =>
        ledger.sessionRecords.explainGap({
          alertId: other.id,
          text: 'not a gap at all',
          signedBy: ['310001', '310002'],
        }),
      /not a recording-gap alert/,
    );
  });

  it('verify catches an edited gap explanation and a deleted wipe record', async () => {
    ledger.close();
    const file = ledgerFile(paths);
    const clean = await verifyLedger({ paths });
    assert.deepEqual(clean.findings, []);
    execFileSync('sqlite3', [
      file,
      'UPDATE gap_explanations SET signed_by = \'["310001"]\'; DELETE FROM wiped_files;',
    ]);
    const report = await verifyLedger({ paths });
    assert.equal(report.ok, false);
    const messages = report.findings.map((f) => f.message).join('\n');
    assert.match(messages, /gap_explanations row/);
    assert.match(messages, /wiped_files row .* missing/);
    ledger = await openTestLedger(paths, clock);
  });
});
