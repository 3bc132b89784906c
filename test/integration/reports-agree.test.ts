import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { formatBytes } from '../../agent/reports/byte-format.ts';
import { formatCell } from '../../agent/reports/cell-format.ts';
import { ledgerTable } from '../../agent/reports/ledger-table.ts';
import { buildReport } from '../../agent/reports/report-catalog.ts';
import { ReportQueries } from '../../agent/reports/report-queries.ts';
import { FakeClock, openTestLedger, publishToVault, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { assertTotalsFromRows } from '../helpers/report-totals.ts';

const ZONE = 'Asia/Shanghai';
const MIN = 60_000;

/**
 * The demo run of issue 16, by hand: A (reports officer 张三), B (李四) and C, a plain USB disk
 * that reports no officer, checked out to 王五. Each recorded 5 minutes (0.1 h shown); C was
 * pulled out mid-copy and docked again 3 s later, sealing a second 5-minute clip.
 */
describe('numbers that agree (issue 16)', () => {
  let ledger: Ledger;
  let cleanup: () => void;
  const clock = new FakeClock('2025-06-02T00:00:00.000Z');
  let start: Date;

  async function seal(serial: string, sessionId: string, name: string, recordedAt: Date) {
    const state = tempPaths;
    const { sha256, vaultPath } = await publishToVault(state, randomBytes(2048));
    return ledger.recordSeal(
      {
        sha256,
        size: 2048,
        sourcePath: `/DCIM/${name}.MP4`,
        vaultPath,
        sealedAt: clock.now(),
        verifiedBy: 'fadvise-dontneed',
        prefixDigests: [{ offset: 0, sha256 }],
      },
      {
        serial,
        sessionId,
        recordingStart: recordedAt,
        recordingEnd: new Date(recordedAt.getTime() + 5 * MIN),
        durationMs: 5 * MIN,
        flags: [],
      },
    );
  }
  let tempPaths: ReturnType<typeof tempState>['paths'];

  before(async () => {
    const state = tempState('reports-agree-');
    cleanup = state.cleanup;
    tempPaths = state.paths;
    ledger = await openTestLedger(state.paths, clock);
    for (const [no, name] of [
      ['310001', '张三'],
      ['310002', '李四'],
      ['310003', '王五'],
    ] as const)
      ledger.registerOfficer({ officerNo: no, name, unit: '综合行政执法队' });
    for (const serial of ['A', 'B', 'C']) ledger.registerRecorder({ serial, model: 'DSJ', vendor: 'Acme' });
    start = clock.now();
    ledger.checkOut({ serial: 'A', officerNo: '310001', batteryPct: 100, freeBytes: 960 * 1024 * 1024 });
    ledger.checkOut({ serial: 'B', officerNo: '310002', batteryPct: 100, freeBytes: 960 * 1024 * 1024 });
    ledger.checkOut({ serial: 'C', officerNo: '310003', batteryPct: 100, freeBytes: 960 * 1024 * 1024 });
    clock.advance(60 * MIN);
    const recordedAt = new Date(start.getTime() + 10 * MIN);
    for (const [serial, officerNo] of [
      ['A', '310001'],
      ['B', '310002'],
    ] as const) {
      const s = ledger.startSession({ serial, officerNo, batteryPct: 80, freeBytes: 900e6 });
      ledger.checkIn({ serial, batteryPct: 80, freeBytes: 900e6 });
      await seal(serial, s.id, `${serial}1`, recordedAt);
      ledger.finishSession(s.id, { outcome: 'complete', batteryPct: 80, freeBytes: 900e6 });
    }
    // C: no officer from the recorder; pulled out while its second clip copies, back 3 s later.
    const c1 = ledger.startSession({ serial: 'C', officerNo: null, batteryPct: 70, freeBytes: 900e6 });
    ledger.checkIn({ serial: 'C', batteryPct: 70, freeBytes: 900e6 });
    await seal('C', c1.id, 'C1', recordedAt);
    ledger.finishSession(c1.id, { outcome: 'interrupted', batteryPct: 70, freeBytes: 900e6 });
    clock.advance(2000);
    ledger.checkOut({ serial: 'C', officerNo: '310003', batteryPct: 70, freeBytes: 900e6 });
    clock.advance(3000);
    const c2 = ledger.startSession({ serial: 'C', officerNo: null, batteryPct: 70, freeBytes: 900e6 });
    ledger.checkIn({ serial: 'C', batteryPct: 70, freeBytes: 900e6 });
    await seal('C', c2.id, 'C2', new Date(recordedAt.getTime() + 20 * MIN));
    ledger.finishSession(c2.id, { outcome: 'complete', batteryPct: 70, freeBytes: 900e6 });
  });
  after(() => {
    ledger.close();
    cleanup();
  });

  it("the disk recorder's officer (from its check-out) is in clips, sessions, the search and statistics", () => {
    const cClips = ledger.accessQueries.searchClips({ serial: 'C' });
    assert.deepEqual(
      cClips.map((c) => c.officerNo),
      ['310003', '310003'],
    );
    assert.deepEqual(
      ledger.accessQueries.searchClips({ officerNo: '310003' }).map((c) => c.serial),
      ['C', 'C'],
    );
    assert.deepEqual(
      ledger.queries
        .recentSessions()
        .filter((s) => s.serial === 'C')
        .map((s) => s.officerNo),
      ['310003', '310003'],
    );
    const [stats] = buildReport(ReportQueries.of(ledger), 'statistics', {
      year: 2025,
      at: clock.now(),
      timeZone: ZONE,
    });
    assert.equal(stats?.rows[5]?.officers, 3, '采集人数: three officers docked in June');
    assert.equal(stats?.totals?.officers, 3);
  });

  it('the ledger has one 领用 row per recorder: pulling out mid-copy adds none; totals are the sums of the rows', () => {
    const t = ledgerTable(ReportQueries.of(ledger), {
      from: start,
      to: new Date(start.getTime() + 86_400_000),
      timeZone: ZONE,
    });
    assert.deepEqual(
      t.rows.map((r) => [r.serial, r.officerNo, r.clips, r.dockings]),
      [
        ['A', '310001', 1, 1],
        ['B', '310002', 1, 1],
        ['C', '310003', 2, 2],
      ],
    );
    assertTotalsFromRows(t, ZONE);
    const [inv] = buildReport(ReportQueries.of(ledger), 'inventory', {
      year: 2025,
      at: clock.now(),
      timeZone: ZONE,
    });
    assert.deepEqual(
      inv?.rows.map((r) => [r.serial, r.checkouts]),
      [
        ['A', 1],
        ['B', 1],
        ['C', 1],
      ],
    );
    if (inv) assertTotalsFromRows(inv, ZONE);
  });

  it('sizes are binary units labelled as such, written the same way on the page and in reports', () => {
    for (const bytes of [960 * 1024 * 1024, 900e6, 20e9, 64e9])
      assert.equal(formatCell(bytes, 'bytes', 'zh-CN', ZONE), formatBytes(bytes), String(bytes));
    assert.equal(formatCell(960 * 1024 * 1024, 'bytes', 'zh-CN', ZONE), '960.0 MiB');
  });
});
