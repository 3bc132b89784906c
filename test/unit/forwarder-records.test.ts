import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBatch } from '../../agent/forwarder/batch.ts';
import { batchKey, checkpointKey } from '../../agent/forwarder/object-keys.ts';
import { mapOutboxRecord } from '../../agent/forwarder/record-mapping.ts';
import { batchProblem, recordProblem } from '../../agent/forwarder/record-schemas.ts';
import type { OutboxRecord } from '../../agent/ledger/outbox.ts';

const DOCK = '00000000-0000-4000-8000-0000000000aa';
const EPOCH = '00000000-0000-4000-8000-0000000000ee';
const T = '2025-03-01T08:00:00.000Z';
const HEX64 = 'ab'.repeat(32);

function row(
  id: number,
  kind: OutboxRecord['kind'],
  recordId: string,
  body: unknown,
  eventSeq = id + 10,
): OutboxRecord {
  // Bodies as an older build may have written them: the fields added since are missing.
  return { id, kind, recordId, eventSeq, body, createdAt: new Date(T) } as OutboxRecord;
}

const clip = row(2, 'clip', `clip:${'c'.repeat(32)}`, {
  clipId: 'c'.repeat(32),
  sessionId: 'S1',
  serial: 'ZFY1',
  sourcePath: '/DCIM/1.MP4',
  size: 10,
  sha256: HEX64,
  verifiedBy: 'o-direct',
  sealedAt: T,
  recordingStart: T,
  recordingEnd: T,
  durationMs: 1000,
  flags: ['late'],
  dockId: DOCK,
  officerNo: '310001',
  officerName: '张三',
  unitName: '综合行政执法队',
  late: true,
  labels: [],
  seq: 12,
});
const checkOut = row(3, 'assignment', 'assignment:A1:out', {
  assignmentId: 'A1',
  serial: 'ZFY1',
  officerNo: '310001',
  officerName: '张三',
  unitName: '综合行政执法队',
  state: 'open',
  checkedOutAt: T,
  checkedInAt: null,
  outBatteryPct: 100,
  inBatteryPct: null,
  outFreeBytes: 5,
  inFreeBytes: null,
});
const docking = row(4, 'session', 'session:S1', {
  sessionId: 'S1',
  serial: 'ZFY1',
  officerNo: null,
  startedAt: T,
  finishedAt: T,
  outcome: 'complete',
  clockSkewMs: -40,
  batteryPct: 30,
  freeBytes: 1,
  totalBytes: 2,
  clipCount: 1,
});
const alert = row(5, 'alert', 'alert:AL1:resolved', {
  alertId: 'AL1',
  kind: 'recording-gap',
  severity: 'critical',
  subject: 'recorder:ZFY1',
  detail: '张三 says the battery died',
  state: 'resolved',
  openedAt: T,
  resolvedAt: T,
  resolvedBy: '310001,310002',
  note: 'explained (R9)',
});
const fault = row(6, 'fault', 'fault:F1:reported', {
  faultId: 'F1',
  serial: 'ZFY1',
  reportedBy: '310001',
  observedAt: T,
  reportedAt: T,
  deadlineHours: 24,
  deadlineMet: false,
  state: 'open',
  resolvedAt: null,
});
const checkpoint = row(7, 'checkpoint', `checkpoint:${DOCK}:20:${HEX64.slice(0, 16)}`, {
  v: 1,
  dock: DOCK,
  seq: 20,
  head: HEX64,
  at: T,
  key: HEX64,
  sig: `${'A'.repeat(86)}==`,
});
const dock = row(
  1,
  'dock',
  `dock:${DOCK}`,
  { dockId: DOCK, publicKey: 'MCowBQYDK2VwAyEA', keyId: HEX64, createdAt: T },
  1,
);
const ALL = [dock, clip, checkOut, docking, alert, fault, checkpoint];

describe('mapping outbox rows to outgoing records', () => {
  it('gives every kind a record valid against its schema, with a stable id and both sequence numbers', () => {
    for (const r of ALL) {
      for (const personal of [true, false]) {
        const record = mapOutboxRecord(r, DOCK, personal);
        assert.equal(recordProblem(record), null, `${r.kind}: ${recordProblem(record)}`);
        assert.equal(record.id, r.recordId);
        assert.equal(record.seq, r.id);
        assert.equal(record.dock, DOCK);
      }
    }
    assert.equal(mapOutboxRecord(fault, DOCK, true).type, 'alert');
    assert.equal(
      (mapOutboxRecord(fault, DOCK, true) as { severity: string }).severity,
      'critical',
      'R8 deadline missed',
    );
    assert.equal((mapOutboxRecord(checkOut, DOCK, true) as { state: string }).state, 'open');
  });

  it('withholds officer, unit and party names and free text unless personal data may be sent (R11)', () => {
    const open = mapOutboxRecord(clip, DOCK, true) as unknown as Record<string, unknown>;
    const shut = mapOutboxRecord(clip, DOCK, false) as unknown as Record<string, unknown>;
    assert.equal(open.officerName, '张三');
    assert.equal(open.redacted, false);
    assert.equal(shut.officerName, null);
    assert.equal(shut.unitName, null);
    assert.equal(shut.partyName, null);
    assert.equal(shut.redacted, true);
    assert.equal(shut.officerNo, '310001', 'the officer number is not a name');
    const a = mapOutboxRecord(alert, DOCK, false) as unknown as Record<string, unknown>;
    assert.equal(a.detail, null);
    assert.equal(a.note, null);
    assert.equal(a.resolvedBy, '310001,310002');
    const u = mapOutboxRecord(checkOut, DOCK, false) as unknown as Record<string, unknown>;
    assert.equal(JSON.stringify(u).includes('张三'), false);
  });

  it('is deterministic: the same rows give byte-identical batches under the same key', () => {
    const a = buildBatch(ALL, { dockId: DOCK, epoch: EPOCH, sendPersonal: true });
    const b = buildBatch(structuredClone(ALL), { dockId: DOCK, epoch: EPOCH, sendPersonal: true });
    assert.ok(a.kind === 'batch' && b.kind === 'batch');
    assert.equal(a.batch.key, batchKey(DOCK, EPOCH, 1, 7));
    assert.equal(a.batch.key, b.batch.key);
    assert.ok(a.batch.body.equals(b.batch.body));
    assert.equal(a.batch.sha256, b.batch.sha256);
    assert.equal(batchProblem(JSON.parse(a.batch.body.toString('utf8'))), null);
    assert.deepEqual(
      a.batch.standalone.map((o) => o.key),
      [`${DOCK}/dock.json`, checkpointKey(DOCK, 20, HEX64)],
    );
  });

  it('stops a batch before a record that does not match its schema, and hands that one back alone', () => {
    const broken = row(8, 'clip', 'clip:broken', { clipId: 'nope' });
    const built = buildBatch([clip, checkOut, broken, docking], {
      dockId: DOCK,
      epoch: EPOCH,
      sendPersonal: false,
    });
    assert.ok(built.kind === 'batch');
    assert.deepEqual(
      built.rows.map((r) => r.id),
      [2, 3],
    );
    const alone = buildBatch([broken, docking], { dockId: DOCK, epoch: EPOCH, sendPersonal: false });
    assert.equal(alone.kind, 'invalid');
    // A field the body lacks is missing from the record too (only fields that may be null fall back).
    assert.equal(
      alone.kind === 'invalid' ? alone.invalid.problem : '',
      "/ must have required property 'sessionId'",
    );
    assert.equal(JSON.stringify(alone).includes('张三'), false, 'problems never quote values');
  });
});

describe('object keys', () => {
  it('sort checkpoints newest first and keep every sequence number exact', () => {
    const keys = [1, 2, 10, 9_007_199_254_740_991].map((s) => checkpointKey(DOCK, s, HEX64));
    assert.deepEqual([...keys].sort(), [...keys].reverse());
    const inverse = (10n ** 16n - 1n - 9_007_199_254_740_991n).toString().padStart(16, '0');
    assert.ok((keys[3] as string).includes(`/checkpoints/${inverse}-9007199254740991-abababababababab.json`));
    assert.equal(
      batchKey(DOCK, EPOCH, 1, 500),
      `${DOCK}/epochs/${EPOCH}/batches/0000000000000001-0000000000000500.json`,
    );
  });
});
