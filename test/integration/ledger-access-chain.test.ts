import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ledgerFile } from '../../agent/ledger/database.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { FakeClock, openTestLedger, populate, tempState } from '../fixtures/ledger/ledger-fixture.ts';

describe('the access log is part of the tamper-evident chain (R6)', () => {
  it('an edited or deleted access-log line, or a forged approval, is found by verify', async () => {
    const { dir, paths, cleanup } = tempState('access-chain-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    try {
      const { clips } = await populate(ledger, paths, clock, 1, 2);
      const clip = clips[0];
      assert.ok(clip);
      ledger.access.saveAccount({ username: 'mgr', role: 'manager', changedBy: null });
      ledger.access.saveAccount({ username: 'sup', role: 'supervisor', changedBy: null });
      const requestId = ledger.access.requestAccess({
        requestedBy: 'mgr',
        clipIds: [clip.id],
        purpose: 'view',
        reason: '复议',
      });
      assert.throws(
        () => ledger.access.decideAccess({ requestId, decision: 'approved', decidedBy: 'mgr' }),
        /own access request/,
      );
      ledger.access.decideAccess({ requestId, decision: 'denied', decidedBy: 'sup' });
      ledger.access.log({ username: 'mgr', action: 'view', target: `clip:${clip.id}`, requestId });
      ledger.access.log({ username: 'sup', action: 'access-log', target: 'access-log' });
      assert.equal(ledger.accessQueries.approvalFor('mgr', clip.id, 'view', clock.now()), null);
      ledger.close();
      assert.equal((await verifyLedger({ paths, scratchDir: dir })).findings.length, 0);

      const db = new Database(ledgerFile(paths));
      db.prepare("UPDATE access_log SET username = 'someone-else' WHERE username = 'mgr'").run();
      db.prepare("DELETE FROM access_log WHERE action = 'access-log'").run();
      db.prepare("UPDATE access_requests SET status = 'approved', expires_at = 9e15").run();
      db.close();
      const kinds = (await verifyLedger({ paths, scratchDir: dir })).findings.map((f) => f.kind).sort();
      assert.deepEqual(kinds, ['table-mismatch', 'table-mismatch', 'table-row-missing']);
    } finally {
      cleanup();
    }
  });
});

describe('access queries', () => {
  it('list requests by status and requester, and the access log by user and time', async () => {
    const { paths, cleanup } = tempState('access-queries-');
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock);
    try {
      const { clips } = await populate(ledger, paths, clock, 1, 1);
      const clip = clips[0];
      assert.ok(clip);
      const a = ledger.access.requestAccess({
        requestedBy: 'mgr',
        clipIds: [clip.id],
        purpose: 'view',
        reason: 'r',
      });
      clock.advance(1000);
      const b = ledger.access.requestAccess({
        requestedBy: 'aud',
        clipIds: [clip.id],
        purpose: 'export',
        reason: 'r',
      });
      ledger.access.decideAccess({ requestId: a, decision: 'approved', decidedBy: 'sup', validForHours: 2 });
      assert.deepEqual(
        ledger.accessQueries.accessRequests({ status: 'pending' }).map((r) => r.id),
        [b],
      );
      assert.deepEqual(
        ledger.accessQueries.accessRequests({ requestedBy: 'mgr' }).map((r) => r.id),
        [a],
      );
      assert.equal(ledger.accessQueries.accessRequests().length, 2);
      assert.equal(ledger.accessQueries.approvalFor('mgr', clip.id, 'view', clock.now())?.id, a);
      assert.equal(ledger.accessQueries.approvalFor('mgr', clip.id, 'export', clock.now()), null);
      clock.advance(3 * 3_600_000);
      assert.equal(ledger.accessQueries.approvalFor('mgr', clip.id, 'view', clock.now()), null, 'expired');
      const from = clock.now();
      ledger.access.log({ username: 'mgr', action: 'view', target: `clip:${clip.id}`, requestId: a });
      ledger.access.log({ username: 'sup', action: 'access-log', target: 'access-log' });
      assert.equal(ledger.accessQueries.accessLog({ from }).length, 2);
      assert.deepEqual(
        ledger.accessQueries.accessLog({ username: 'mgr' }).map((e) => e.requestId),
        [a],
      );
      assert.equal(ledger.accessQueries.accessLog({ to: from }).length, 0);
    } finally {
      ledger.close();
      cleanup();
    }
  });
});
