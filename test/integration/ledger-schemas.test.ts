import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { ledgerFile } from '../../agent/ledger/database.ts';
import { EVENT_TYPES } from '../../agent/ledger/event-types.ts';
import {
  FakeClock,
  openTestLedger,
  populate,
  REPO_ROOT,
  tempState,
} from '../fixtures/ledger/ledger-fixture.ts';
import { exerciseLifecycleEvents } from '../fixtures/offsite/lifecycle-events-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

function schema(name: string): object {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', name), 'utf8')) as object;
}

describe('JSON Schemas of ledger events and checkpoints', () => {
  it('accept every real event and checkpoint, and reject broken ones', async () => {
    const { paths, cleanup } = tempState('ledger-schema-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock, { checkpointEveryEvents: 4 });
    try {
      const population = await populate(ledger, paths, clock, 3, 2);
      const clip = population.clips[0]!;
      const session = ledger.startSession({ serial: clip.serial });
      ledger.sessionRecords.step(session.id, 'identify', null);
      ledger.sessionRecords.clipTiming({
        clipId: clip.id,
        timeSource: 'mvhd',
        rawStart: new Date(clock.now().getTime() - 3_600_000),
        rawEnd: clock.now(),
        clockSkewMs: 1200,
      });
      ledger.sessionRecords.wipe(clip.id);
      const [kept, gone] = population.clips.slice(1);
      ledger.dock.intendWipe(kept!.id, 1_700_000_000_000);
      ledger.dock.cancelWipe(kept!.id, 'still on the recorder at the next dock');
      ledger.dock.intendWipe(gone!.id, 1_700_000_000_000);
      ledger.dock.confirmWipe(gone!.id, 'found-gone');
      ledger.dock.recordUnreadable(
        { serial: clip.serial, sourcePath: 'DCIM/bad.MP4', size: 10, mtimeMs: 1_700_000_000_000 },
        { position: 4096, errno: 'EIO' },
      );
      const gap = ledger.openAlert(testAlert('recording-gap', `gap:${clip.id}`));
      ledger.sessionRecords.explainGap({
        alertId: gap.id,
        text: 'battery ran out during the inspection',
        signedBy: ['310001', '310002'],
      });
      const alert = ledger.openAlert(
        testAlert('recording-gap', 'recorder:ZFY0001', { severity: 'critical', detail: 'gap 12 min' }),
      );
      ledger.resolveAlert(alert.id, { resolvedBy: 'manager-1', note: 'explained' });
      ledger.setRecorderStatus('ZFY0002', 'retired', 'end of life');
      const fault = ledger.queries.openFaults()[0];
      assert.ok(fault);
      ledger.resolveFault(fault.id, null);
      ledger.access.saveAccount({ username: 'sup-1', role: 'supervisor', changedBy: null });
      ledger.access.saveAccount({
        username: 'mgr-1',
        role: 'manager',
        officerNo: '310001',
        changedBy: 'sup-1',
      });
      ledger.access.labelClip({
        clipId: clip.id,
        caseNo: '(2026)001',
        party: '张三',
        important: true,
        labelledBy: 'mgr-1',
      });
      const requestId = ledger.access.requestAccess({
        requestedBy: 'mgr-1',
        clipIds: [clip.id],
        purpose: 'export',
        reason: 'administrative review',
      });
      ledger.access.decideAccess({ requestId, decision: 'approved', decidedBy: 'sup-1', validForHours: 24 });
      ledger.access.recordExport(
        {
          exportId: 'exp-1',
          requestId,
          createdBy: 'mgr-1',
          caseNo: '(2026)001',
          clipIds: [clip.id],
          bytes: clip.size,
          manifestSha256: 'a'.repeat(64),
        },
        { username: 'mgr-1', action: 'export', target: 'export:exp-1', requestId },
      );
      ledger.access.recordClipCheck(clip.id, 'ok', 'mgr-1');
      ledger.access.bindRecorder(clip.serial, '310001', 'mgr-1');
      exerciseLifecycleEvents(ledger, clip, clock, population.clips[1], '(2026)001');
      const checkpoints = ledger.checkpoints();
      ledger.close();

      const ajv = new Ajv2020({ allErrors: true, strict: true });
      const validateEvent = ajv.compile(schema('ledger-event.schema.json'));
      const validateCheckpoint = ajv.compile(schema('checkpoint.schema.json'));
      const db = new Database(ledgerFile(paths), { readonly: true });
      const events = (db.prepare('SELECT body FROM events ORDER BY seq').all() as { body: string }[]).map(
        (r) => JSON.parse(r.body),
      );
      db.close();

      assert.deepEqual(
        new Set(events.map((e) => e.type)),
        new Set(EVENT_TYPES),
        'every event type is exercised',
      );
      for (const e of events)
        assert.ok(validateEvent(e), `event ${e.seq} ${e.type}: ${ajv.errorsText(validateEvent.errors)}`);
      assert.ok(checkpoints.length >= 3);
      for (const cp of checkpoints)
        assert.ok(validateCheckpoint(cp), ajv.errorsText(validateCheckpoint.errors));

      const seal = events.find((e) => e.type === 'clip.sealed');
      assert.equal(validateEvent({ ...seal, data: { ...seal.data, sha256: 'XYZ' } }), false);
      assert.equal(validateEvent({ ...seal, data: { ...seal.data, extra: 1 } }), false);
      assert.equal(validateEvent({ ...seal, type: 'session.started' }), false);
      assert.equal(validateCheckpoint({ ...checkpoints[0], seq: 0 }), false);
      assert.equal(validateCheckpoint({ ...checkpoints[0], sig: undefined }), false);
    } finally {
      cleanup();
    }
  });
});
