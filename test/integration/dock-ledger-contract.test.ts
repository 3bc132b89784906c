import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DockLedger } from '../../agent/ledger/dock-ledger.ts';
import { Ledger } from '../../agent/ledger/ledger.ts';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { MemoryDockLedger } from '../fixtures/dock/memory-dock-ledger.ts';
import { tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

/**
 * The dock's in-memory ledger twin and the real SQLite ledger's dock face, held to the same
 * behaviour: every scenario here runs against both. The dock's unit tests are only worth what
 * this contract proves.
 */
interface Subject {
  readonly name: string;
  readonly ledger: DockLedger;
  registerRecorder(serial: string): void;
  bind(serial: string, officerNo: string): void;
  vaultDir: string;
}

const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) c();
});

async function subjects(): Promise<Subject[]> {
  const clock = { ms: Date.parse('2026-12-01T08:00:00Z') };
  const now = () => {
    clock.ms += 1000;
    return new Date(clock.ms);
  };
  const state = tempState('dock-contract-');
  const real = await Ledger.open(testLedgerOptions(state.paths, { now }));
  cleanups.push(() => {
    real.close();
    state.cleanup();
  });
  const twin = new MemoryDockLedger(now);
  return [
    {
      name: 'SQLite ledger',
      ledger: real.dock,
      registerRecorder: (serial) => real.registerRecorder({ serial, model: 'sim', vendor: 'Example vendor' }),
      bind: (serial, officerNo) => real.access.bindRecorder(serial, officerNo, 'manager1'),
      vaultDir: state.paths.vaultDir,
    },
    {
      name: 'in-memory twin',
      ledger: twin,
      registerRecorder: (serial) => twin.registerRecorder(serial),
      bind: (serial, officerNo) => twin.bind(serial, officerNo),
      vaultDir: '/vault',
    },
  ];
}

const SHA = (c: string) => c.repeat(64);

function seal(s: Subject, sessionId: string, sourcePath: string, sha256: string, size = 100) {
  return s.ledger.recordSeal(
    {
      sha256,
      size,
      sourcePath,
      vaultPath:
        s.name === 'SQLite ledger'
          ? vaultPathFor(s.vaultDir, sha256)
          : `/vault/sha256/${sha256.slice(0, 2)}/${sha256}`,
      sealedAt: new Date('2026-12-01T09:00:00Z'),
      verifiedBy: 'o-direct',
      prefixDigests: [],
      sourceMtimeMs: 1_700_000_000_123.7,
      headSha256: SHA('e'),
    },
    {
      serial: 'A1',
      sessionId,
      recordingStart: new Date('2026-12-01T07:00:00Z'),
      recordingEnd: new Date('2026-12-01T07:10:00Z'),
      flags: ['late'],
    },
  );
}

describe('the dock ledger contract (SQLite and the in-memory twin)', async () => {
  for (const s of await subjects()) {
    describe(s.name, () => {
      const { ledger } = s;
      let sessionId = '';

      it('refuses a session of an unregistered recorder, closes a stale one as interrupted', () => {
        assert.throws(() => ledger.startSession({ serial: 'A1' }), /not registered/);
        s.registerRecorder('A1');
        const stale = ledger.startSession({ serial: 'A1', officerNo: '000123' });
        const fresh = ledger.startSession({ serial: 'A1', batteryPct: 80 });
        assert.equal(ledger.findSession(stale.id)?.outcome, 'interrupted');
        assert.equal(ledger.findSession(fresh.id)?.finishedAt, null);
        ledger.step(fresh.id, 'identified', null);
        assert.throws(() => ledger.step('no-such-session', 'identified', null), /not in the ledger/);
        sessionId = fresh.id;
      });

      it('seals idempotently by clip id, keeps the source facts, lists candidates newest first', () => {
        const a = seal(s, sessionId, 'DCIM/1.MP4', SHA('a'));
        assert.equal(seal(s, sessionId, 'DCIM/1.MP4', SHA('a')).id, a.id, 'the same file is sealed once');
        const b = seal(s, sessionId, 'DCIM/1.MP4', SHA('b'));
        assert.notEqual(a.id, b.id);
        assert.equal(a.id, ledger.clipIdFor('A1', 'DCIM/1.MP4', SHA('a')));
        assert.equal(a.sourceMtimeMs, 1_700_000_000_123);
        assert.equal(a.headSha256, SHA('e'));
        assert.deepEqual(a.flags, ['late']);
        assert.deepEqual(
          ledger.clipsAt('A1', 'DCIM/1.MP4', 100).map((c) => c.id),
          [b.id, a.id],
        );
        assert.deepEqual(ledger.clipsAt('A1', 'DCIM/1.MP4', 99), []);
        assert.equal(
          ledger.previousClip('A1', new Date('2026-12-01T08:00:00Z'))?.recordingEnd?.toISOString(),
          '2026-12-01T07:10:00.000Z',
        );
        assert.equal(ledger.previousClip('A1', new Date('2026-12-01T07:00:00Z')), null);
      });

      it('records a wipe as an intent, then confirms or cancels it', () => {
        const [b, a] = ledger.clipsAt('A1', 'DCIM/1.MP4', 100);
        assert.ok(a && b);
        assert.throws(() => ledger.intendWipe('no-such-clip', 1), /not sealed/);
        ledger.intendWipe(a.id, 5000.9);
        ledger.intendWipe(a.id, 5000.9);
        assert.deepEqual(
          ledger.pendingWipes('A1').map((i) => [i.clipId, i.sourcePath, i.size, i.mtimeMs]),
          [[a.id, 'DCIM/1.MP4', 100, 5000]],
        );
        ledger.confirmWipe(a.id, 'unlinked');
        assert.equal(ledger.isWiped(a.id), true);
        assert.deepEqual(ledger.pendingWipes('A1'), []);
        assert.throws(() => ledger.intendWipe(a.id, 5000), /already wiped/);
        ledger.intendWipe(b.id, 6000);
        ledger.cancelWipe(b.id, 'still on the recorder');
        ledger.cancelWipe(b.id, 'again: no-op');
        assert.equal(ledger.isWiped(b.id), false);
        assert.deepEqual(ledger.pendingWipes('A1'), []);
      });

      it('counts failed reads of one recorder file', () => {
        const file = { serial: 'A1', sourcePath: 'DCIM/2.MP4', size: 10, mtimeMs: 77.5 };
        assert.equal(ledger.unreadableAttempts(file), 0);
        assert.equal(ledger.recordUnreadable(file, { position: 4096, errno: 'EIO' }), 1);
        assert.equal(ledger.recordUnreadable(file, { position: 8192, errno: 'EIO' }), 2);
        assert.equal(ledger.unreadableAttempts(file), 2);
        assert.equal(ledger.unreadableAttempts({ ...file, size: 11 }), 0, 'another file of that name');
      });

      it('opens one alert per kind and subject, with its facts', () => {
        const one = ledger.openAlert(testAlert('read-error', 'file:A1:DCIM%2F2.MP4'));
        const again = ledger.openAlert(testAlert('read-error', 'file:A1:DCIM%2F2.MP4'));
        assert.equal(again.id, one.id);
        assert.equal(one.facts?.errno, 'EIO');
        assert.equal(ledger.isAlertOpen('read-error', 'file:A1:DCIM%2F2.MP4'), true);
        assert.equal(ledger.isAlertOpen('damaged-clip', 'file:A1:DCIM%2F2.MP4'), false);
      });

      it('checks recorders in and out, and knows their last officer and binding', () => {
        assert.equal(ledger.checkIn({ serial: 'A1', batteryPct: 50 }), null, 'not out: nothing to check in');
        assert.equal(ledger.lastOfficer('A1'), '000123', 'from the session that named one');
        assert.throws(() => ledger.checkOut({ serial: 'A1', officerNo: '000123' }), /not registered/);
        ledger.registerOfficer({ officerNo: '000123', name: '张三', unit: null });
        ledger.registerOfficer({ officerNo: '000124', name: '李四', unit: null });
        const out = ledger.checkOut({ serial: 'A1', officerNo: '000124', batteryPct: 90 });
        assert.equal(ledger.openAssignment('A1')?.id, out.id);
        assert.throws(() => ledger.checkOut({ serial: 'A1', officerNo: '000123' }), /already checked out/);
        assert.equal(ledger.lastOfficer('A1'), '000124');
        assert.equal(ledger.checkIn({ serial: 'A1', batteryPct: 40 })?.inBatteryPct, 40);
        assert.equal(ledger.openAssignment('A1'), null);
        assert.equal(ledger.boundOfficer('A1'), null);
        s.bind('A1', '000123');
        assert.equal(ledger.boundOfficer('A1'), '000123');
      });

      it('rolls a failed transaction back', () => {
        assert.throws(() =>
          ledger.transaction(() => {
            ledger.registerOfficer({ officerNo: '000999', name: '王五', unit: null });
            throw new Error('abort');
          }),
        );
        assert.equal(ledger.findOfficer('000999'), null);
      });
    });
  }
});
