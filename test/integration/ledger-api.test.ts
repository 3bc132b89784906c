import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LedgerInputError, LedgerStateError } from '../../agent/ledger/errors.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { createRootLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';
import {
  FakeClock,
  openTestLedger,
  populate,
  publishToVault,
  tempState,
} from '../fixtures/ledger/ledger-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

const HOUR = 3_600_000;

describe('Ledger API', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  let clock: FakeClock;
  let ledger: Ledger;

  beforeEach(async () => {
    ({ paths, cleanup } = tempState());
    clock = new FakeClock();
    ledger = await openTestLedger(paths, clock, { checkpointEveryEvents: 5, checkpointEveryMinutes: 60 });
  });

  afterEach(() => {
    ledger.close();
    cleanup();
  });

  async function sealOne(serial: string, sessionId: string, content = randomBytes(64)) {
    const { sha256, vaultPath } = await publishToVault(paths, content);
    const seal = {
      sha256,
      size: content.length,
      sourcePath: '/DCIM/A.MP4',
      vaultPath,
      sealedAt: clock.now(),
      verifiedBy: 'buffered' as const,
      prefixDigests: [],
    };
    return { seal, context: { serial, sessionId } };
  }

  it('starts with the genesis event, a checkpoint of it, key files and outbox records', () => {
    assert.equal(ledger.head().seq, 1);
    assert.equal(ledger.latestCheckpoint()?.seq, 1);
    assert.equal(statSync(path.join(paths.stateDir, 'dock-key.pem')).mode & 0o777, 0o600);
    assert.deepEqual(
      ledger.readOutbox(0).map((r) => r.kind),
      ['dock', 'checkpoint'],
    );
  });

  it('seals a file once: the same file again returns the first seal without a new event', async () => {
    ledger.registerRecorder({ serial: 'R1' });
    const s1 = ledger.startSession({ serial: 'R1' });
    const { seal, context } = await sealOne('R1', s1.id);
    const first = ledger.recordSeal(seal, context);
    const head = ledger.head().seq;
    assert.deepEqual(ledger.recordSeal(seal, context), first);
    ledger.finishSession(s1.id, { outcome: 'interrupted' });
    const s2 = ledger.startSession({ serial: 'R1' });
    assert.equal(ledger.recordSeal(seal, { ...context, sessionId: s2.id }).id, first.id);
    assert.equal(ledger.head().seq, head + 2, 'only the finish and the new start were appended');
    assert.equal(first.vaultRel, `sha256/${seal.sha256.slice(0, 2)}/${seal.sha256}`);
    assert.equal(first.sealSeq, head);
  });

  it('refuses a seal whose vault path is not derived from its digest, or that does not fit its session', async () => {
    ledger.registerRecorder({ serial: 'R1' });
    ledger.registerRecorder({ serial: 'R2' });
    const s = ledger.startSession({ serial: 'R1' });
    const { seal, context } = await sealOne('R1', s.id);
    assert.throws(
      () => ledger.recordSeal({ ...seal, vaultPath: '/tmp/elsewhere' }, context),
      LedgerInputError,
    );
    assert.throws(() => ledger.recordSeal({ ...seal, sha256: 'ABC' }, context), LedgerInputError);
    assert.throws(() => ledger.recordSeal({ ...seal, size: -1 }, context), LedgerInputError);
    assert.throws(() => ledger.recordSeal(seal, { ...context, serial: 'R2' }), /belongs to recorder R1/);
    ledger.finishSession(s.id, { outcome: 'complete' });
    assert.throws(() => ledger.recordSeal(seal, context), /is finished/);
  });

  it('rolls back the event, the rows and the outbox record together', async () => {
    ledger.registerRecorder({ serial: 'R1' });
    const s = ledger.startSession({ serial: 'R1' });
    const { seal, context } = await sealOne('R1', s.id);
    const head = ledger.head();
    const outboxBefore = ledger.readOutbox(0).length;
    assert.throws(() =>
      ledger.transaction(() => {
        ledger.recordSeal(seal, context);
        throw new Error('power cut, simulated');
      }),
    );
    assert.deepEqual(ledger.head(), head);
    assert.equal(ledger.readOutbox(0).length, outboxBefore);
    assert.equal(ledger.find.clip(ledger.clipIdFor('R1', seal.sourcePath, seal.sha256)), null);
    const clip = ledger.recordSeal(seal, context);
    const record = ledger.readOutbox(0).find((r) => r.recordId === `clip:${clip.id}`);
    assert.equal(record?.eventSeq, clip.sealSeq);
  });

  it('keeps the usage ledger: check-out rules, check-in, faults with their 24 h deadline', () => {
    ledger.registerRecorder({ serial: 'R1' });
    ledger.registerOfficer({ officerNo: '310001', name: '张三', unit: 'U1' });
    assert.throws(() => ledger.checkOut({ serial: 'R1', officerNo: '999' }), /not registered/);
    assert.equal(ledger.checkIn({ serial: 'R1' }), null);
    const out = ledger.checkOut({ serial: 'R1', officerNo: '310001', batteryPct: 95, freeBytes: 1e9 });
    assert.throws(() => ledger.checkOut({ serial: 'R1', officerNo: '310001' }), /already checked out/);
    clock.advance(9 * HOUR);
    const back = ledger.checkIn({ serial: 'R1', batteryPct: 20 });
    assert.equal(back?.id, out.id);
    assert.equal(back?.checkedInAt?.getTime(), clock.now().getTime());
    const observed = clock.now();
    clock.advance(25 * HOUR);
    const late = ledger.reportFault({
      serial: 'R1',
      reportedBy: '310001',
      observedAt: observed,
      description: 'no power',
    });
    assert.equal(late.deadlineMet, false);
    assert.equal(ledger.find.recorder('R1')?.status, 'faulty');
    assert.throws(() => ledger.checkOut({ serial: 'R1', officerNo: '310001' }), LedgerStateError);
    const onTime = ledger.reportFault({
      serial: 'R1',
      reportedBy: '310001',
      observedAt: new Date(clock.now().getTime() - HOUR),
      description: 'x',
    });
    assert.equal(onTime.deadlineMet, true);
    ledger.resolveFault(late.id, 'replaced battery');
    ledger.setRecorderStatus('R1', 'in_service', 'repaired');
    assert.equal(ledger.checkOut({ serial: 'R1', officerNo: '310001' }).serial, 'R1');
    assert.deepEqual(
      ledger.queries.openFaults().map((f) => f.id),
      [onTime.id],
    );
  });

  it('registers without an event when nothing changed', () => {
    ledger.registerRecorder({ serial: 'R1', model: 'M' });
    ledger.registerOfficer({ officerNo: '1', name: 'N' });
    const head = ledger.head().seq;
    ledger.registerRecorder({ serial: 'R1', model: 'M' });
    ledger.registerOfficer({ officerNo: '1', name: 'N' });
    assert.equal(ledger.head().seq, head);
    ledger.registerRecorder({ serial: 'R1', model: 'M2' });
    assert.equal(ledger.head().seq, head + 1);
    assert.equal(ledger.find.recorder('R1')?.model, 'M2');
  });

  it('opens one alert per kind and subject, and resolves it', () => {
    const a = ledger.openAlert(testAlert('late-clip', 'clip:1'));
    assert.equal(ledger.openAlert(testAlert('late-clip', 'clip:1')).id, a.id);
    const b = ledger.openAlert(testAlert('late-clip', 'clip:2'));
    assert.deepEqual(new Set(ledger.queries.openAlerts().map((x) => x.id)), new Set([a.id, b.id]));
    ledger.resolveAlert(a.id, { resolvedBy: 'manager-1' });
    assert.deepEqual(
      ledger.queries.openAlerts().map((x) => x.id),
      [b.id],
    );
  });

  it('writes a checkpoint every N events and, from a timer, after T minutes', () => {
    for (let i = 0; i < 12; i++) ledger.registerRecorder({ serial: `R${i}` });
    assert.deepEqual(
      ledger.checkpoints().map((c) => c.seq),
      [1, 6, 11],
    );
    assert.equal(ledger.checkpointIfDue(), null, 'not due yet');
    clock.advance(61 * 60_000);
    const cp = ledger.checkpointIfDue();
    assert.equal(cp?.seq, 13);
    assert.equal(cp?.head, ledger.head().hash);
    assert.equal(ledger.checkpointIfDue(), null, 'nothing new to cover');
    assert.equal(ledger.readOutbox(0).filter((r) => r.kind === 'checkpoint').length, 4);
  });

  it('answers the manager queries', async () => {
    const pop = await populate(ledger, paths, clock, 4, 3);
    const all = { from: new Date(0), to: new Date(clock.now().getTime() + 1) };
    const r1 = ledger.queries.recorderUsage('ZFY0001', all);
    assert.equal(r1.sessions.length, 2);
    assert.deepEqual(r1.totals, {
      sessions: 2,
      clips: 6,
      bytes: 2 * (1024 + 1025 + 1026),
      durationMs: 6 * 600_000,
      lateClips: 2,
    });
    assert.equal(r1.assignments.length, 2);
    const o2 = ledger.queries.officerUsage('310002', all);
    assert.equal(o2.totals.clips, 6);
    const none = ledger.queries.recorderUsage('ZFY0001', {
      from: new Date(clock.now().getTime() + 1),
      to: new Date(clock.now().getTime() + 2),
    });
    assert.equal(none.sessions.length, 0);
    const clips = ledger.queries.sessionClips(pop.sessionIds[1] as string);
    assert.deepEqual(
      clips.map((c) => c.sourcePath),
      ['/DCIM/100MEDIA/S1C0.MP4', '/DCIM/100MEDIA/S1C1.MP4', '/DCIM/100MEDIA/S1C2.MP4'],
    );
    assert.equal(ledger.queries.dockedNow().length, 0);
    ledger.checkOut({ serial: 'ZFY0001', officerNo: '310001' });
    const docked = ledger.startSession({ serial: 'ZFY0001', officerNo: '310001' });
    const now = ledger.queries.dockedNow();
    assert.equal(now[0]?.session.id, docked.id);
    assert.equal(now[0]?.recorder.serial, 'ZFY0001');
    assert.equal(now[0]?.assignment?.officerNo, '310001');
  });

  it('closes a stale open session of the same recorder as interrupted', () => {
    ledger.registerRecorder({ serial: 'R1' });
    const a = ledger.startSession({ serial: 'R1' });
    const b = ledger.startSession({ serial: 'R1' });
    assert.equal(ledger.find.session(a.id)?.outcome, 'interrupted');
    assert.equal(ledger.find.openSession('R1')?.id, b.id);
  });
});

describe('Ledger logging', () => {
  it('never logs officer names or fault descriptions', async () => {
    const { paths, cleanup } = tempState();
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock, {
      logger: createRootLogger({ level: 'debug', destination: sink }),
    });
    try {
      await populate(ledger, paths, clock, 2, 1);
      ledger.startSession({ serial: 'ZFY0001' });
      ledger.startSession({ serial: 'ZFY0001' });
      assert.match(logged, /ledger opened/);
      assert.match(logged, /open dock session closed as interrupted/);
      for (const personal of ['张三', '李四', '镜头破裂'])
        assert.equal(logged.includes(personal), false, personal);
    } finally {
      ledger.close();
      cleanup();
    }
  });
});
