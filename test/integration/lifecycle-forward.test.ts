import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBatch } from '../../agent/forwarder/batch.ts';
import { mapOutboxRecord } from '../../agent/forwarder/record-mapping.ts';
import { batchProblem, recordProblem } from '../../agent/forwarder/record-schemas.ts';
import { sealFiles } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';

describe('labels, holds, retention classes and copies leave the box as index records', () => {
  it('queues each change with the event that made it, valid against its schema, personal fields only to a secure target', async () => {
    const w = await lifecycleWorld('fwd-life-', '2026-03-01T02:00:00.000Z');
    try {
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [1000]);
      const start = w.ledger.outbox.idOf(`clip:${clip!.id}`) as number;
      w.ledger.access.labelClip({
        clipId: clip!.id,
        caseNo: '(2026)综执罚字第3号',
        party: '王五',
        labelledBy: 'mgr',
      });
      w.ledger.access.labelClip({
        clipId: clip!.id,
        caseNo: '(2026)综执罚字第3号',
        party: '王五',
        labelledBy: 'mgr',
      });
      w.ledger.access.labelClip({
        clipId: clip!.id,
        caseNo: '(2026)综执罚字第3号',
        party: '王五',
        important: true,
        labelledBy: 'mgr',
      });
      const holdId = w.ledger.lifecycle.placeHold({
        scope: 'clip',
        clipId: clip!.id,
        ground: 'dispute',
        caseName: '王五占道经营案',
        caseNo: '(2026)综执罚字第3号',
        placedBy: 'mgr',
      });
      w.ledger.lifecycle.liftHold({ holdId, liftedBy: 'sup', reason: '复议结束' });
      w.ledger.lifecycle.closeCase({ caseNo: '(2026)综执罚字第3号', closedBy: 'mgr' });
      w.ledger.lifecycle.recordCopy({
        sha256: clip!.sha256,
        size: clip!.size,
        store: 's3:https://oss.example/footage/',
        key: `sha256/${clip!.sha256.slice(0, 2)}/${clip!.sha256}`,
        versionId: 'v1',
        purpose: 'copy',
        result: 'ok',
        actualSha256: clip!.sha256,
        method: 'read-back-sha256',
        verifiedAt: w.clock.now(),
        retainUntil: null,
        legalHold: false,
        lockKept: null,
      });
      const rows = w.ledger.outbox.read(start, 100).filter((r) => r.kind === 'lifecycle');
      const changes = rows.map((r) => (r.body as { change: string }).change);
      assert.deepEqual(changes, [
        'labelled',
        'classified',
        'labelled',
        'held',
        'hold-lifted',
        'classified',
        'copied',
      ]);
      for (const row of rows) {
        const open = mapOutboxRecord(row, w.ledger.dockId, false);
        assert.equal(recordProblem(open), null, `${row.recordId}: ${recordProblem(open)}`);
        assert.equal(open.redacted, true);
        assert.ok(!JSON.stringify(open).includes('王五'), 'no party name to an insecure target (R11)');
        const secure = mapOutboxRecord(row, w.ledger.dockId, true);
        assert.equal(recordProblem(secure), null);
      }
      const label = mapOutboxRecord(rows[0]!, w.ledger.dockId, true) as unknown as Record<string, unknown>;
      assert.equal(label.partyName, '王五');
      assert.equal(label.caseNo, '(2026)综执罚字第3号');
      const classified = mapOutboxRecord(rows[5]!, w.ledger.dockId, true) as unknown as Record<
        string,
        unknown
      >;
      assert.equal(classified.retentionClass, 'evidence');
      assert.equal(classified.caseClosedAt, w.clock.now().toISOString());
      const built = buildBatch(w.ledger.outbox.read(0, 1000), {
        dockId: w.ledger.dockId,
        epoch: '8e1c5d5e-9a4b-4b1e-9a53-3b1e2c7d9f00',
        sendPersonal: false,
      });
      assert.equal(built.kind, 'batch');
      if (built.kind === 'batch')
        assert.equal(batchProblem(JSON.parse(built.batch.body.toString('utf8'))), null);
    } finally {
      w.cleanup();
    }
  });
});
