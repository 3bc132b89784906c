import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import type { ClipRecord } from '../../agent/ledger/ledger-records.ts';
import {
  loggedIn,
  startWebFixture,
  WEB_ROLES,
  type WebClient,
  type WebFixture,
} from '../fixtures/web/web-fixture.ts';

interface LogRow {
  username: string;
  action: string;
  target: string;
  request_id: string | null;
}

function accessLogRows(ledger: Ledger): LogRow[] {
  return ledger.readHandle.prepare('SELECT * FROM access_log ORDER BY seq').all() as LogRow[];
}

async function until<T>(what: string, fn: () => T | null | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function vaultBytes(fx: WebFixture, clip: ClipRecord): Buffer {
  return readFileSync(path.join(fx.paths.vaultDir, clip.vaultRel));
}

describe('web page: footage, access requests, exports', () => {
  let fx: WebFixture;
  const c = {} as Record<AccountRole, WebClient>;
  let own: ClipRecord;
  let other: ClipRecord;

  before(async () => {
    fx = await startWebFixture();
    for (const role of WEB_ROLES) c[role] = await loggedIn(fx, role);
    own = fx.clips[1] as ClipRecord; // officer 310001 (the officer account's own)
    other = fx.clips[4] as ClipRecord; // officer 310002
  });
  after(() => fx.close());

  it("an officer's search shows only their own clips; others search by any officer", async () => {
    const mine = await c.officer.get('/clips?officer=310002');
    assert.equal(mine.status, 200);
    assert.ok(mine.text.includes(`data-clip="${own.id}"`));
    assert.ok(!mine.text.includes(`data-clip="${other.id}"`));
    const manager = await c.manager.get('/clips?officer=310002');
    assert.ok(manager.text.includes(`data-clip="${other.id}"`));
    assert.ok(!manager.text.includes(`data-clip="${own.id}"`));
    assert.equal((await c.officer.get(`/clips/${other.id}`)).status, 404);
  });

  it('an officer views their own clip with Range requests; the viewing is logged once', async () => {
    const before = accessLogRows(fx.ledger).length;
    const bytes = vaultBytes(fx, own);
    const first = await c.officer.get(`/clips/${own.id}/video`, { range: 'bytes=0-' });
    assert.equal(first.status, 206);
    assert.equal(first.headers['content-type'], 'video/mp4');
    assert.equal(first.headers['accept-ranges'], 'bytes');
    assert.equal(first.headers['content-range'], `bytes 0-${bytes.length - 1}/${bytes.length}`);
    assert.deepEqual(first.body, bytes);
    const seek = await c.officer.get(`/clips/${own.id}/video`, { range: 'bytes=100-199' });
    assert.equal(seek.status, 206);
    assert.deepEqual(seek.body, bytes.subarray(100, 200));
    const log = accessLogRows(fx.ledger).slice(before);
    assert.equal(log.length, 1);
    assert.deepEqual(log[0], {
      ...log[0],
      username: 'officer1',
      action: 'view',
      target: `clip:${own.id}`,
      request_id: null,
    });
    const past = await c.officer.get(`/clips/${own.id}/video`, { range: `bytes=${bytes.length + 10}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers['content-range'], `bytes */${bytes.length}`);
  });

  it("footage of someone else's clip is refused without an approval, and nothing is logged", async () => {
    const before = accessLogRows(fx.ledger).length;
    assert.equal((await c.officer.get(`/clips/${other.id}/video`)).status, 403);
    assert.equal((await c.manager.get(`/clips/${other.id}/video`)).status, 403);
    assert.equal((await c.manager.get(`/clips/${other.id}/download`)).status, 403);
    assert.equal((await c.auditor.get(`/clips/${other.id}/video`)).status, 403);
    assert.equal(accessLogRows(fx.ledger).length, before);
    const page = await c.manager.get(`/clips/${other.id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<video/);
    assert.match(page.text, /id="request-form"/);
  });

  it('a supervisor approves a view request; the view is logged with the approval id', async () => {
    const asked = await c.manager.post('/access-requests', {
      clipId: other.id,
      purpose: 'view',
      reason: 'complaint review',
    });
    assert.equal(asked.status, 303);
    assert.equal(asked.headers.location, '/access?done=requested');
    const request = fx.ledger.accessQueries.accessRequests({ requestedBy: 'manager1' })[0];
    assert.ok(request);
    assert.equal(request.status, 'pending');
    const pending = await c.supervisor.get('/access');
    assert.match(pending.text, new RegExp(`data-request="${request.id}"`));
    const decided = await c.supervisor.post(`/access/${request.id}/decide`, {
      decision: 'approved',
      hours: '72',
      note: 'ok',
    });
    assert.equal(decided.status, 303);
    const before = accessLogRows(fx.ledger).length;
    const video = await c.manager.get(`/clips/${other.id}/video`);
    assert.equal(video.status, 200);
    assert.deepEqual(video.body, vaultBytes(fx, other));
    const log = accessLogRows(fx.ledger).slice(before);
    assert.equal(log.length, 1);
    assert.equal(log[0]?.action, 'view');
    assert.equal(log[0]?.target, `clip:${other.id}`);
    assert.equal(log[0]?.request_id, request.id);
    const page = await c.manager.get(`/clips/${other.id}`);
    assert.match(page.text, /<video id="clip-video"/);
    assert.equal(
      (await c.manager.get(`/clips/${other.id}/download`)).status,
      403,
      'a view approval is not an export',
    );
  });

  it('nobody decides their own request, and a bad decision form is refused on the page', async () => {
    await c.supervisor.post('/access-requests', { clipId: own.id, purpose: 'view', reason: 'own request' });
    const mine = fx.ledger.accessQueries.accessRequests({ requestedBy: 'supervisor1' })[0];
    assert.ok(mine);
    const own1 = await c.supervisor.post(`/access/${mine.id}/decide`, { decision: 'approved', hours: '72' });
    assert.equal(own1.status, 400);
    assert.match(own1.text, /nobody may decide their own access request/);
    const bad = await c.supervisor.post(`/access/${mine.id}/decide`, { decision: 'approved', hours: '0' });
    assert.equal(bad.status, 400);
    assert.equal(fx.ledger.accessQueries.accessRequest(mine.id)?.status, 'pending');
  });

  it('an export approval lets the manager make a package, download it and the original, each logged', async () => {
    await c.manager.post('/access-requests', {
      clipId: [other.id, own.id],
      purpose: 'export',
      reason: 'litigation',
    });
    const request = fx.ledger.accessQueries
      .accessRequests({ requestedBy: 'manager1' })
      .find((r) => r.purpose === 'export');
    assert.ok(request);
    await c.supervisor.post(`/access/${request.id}/decide`, { decision: 'approved', hours: '24' });
    const page = await c.manager.get('/access');
    assert.match(page.text, /class="inline export-form"/);
    const dl = await c.manager.get(`/clips/${other.id}/download`);
    assert.equal(dl.status, 200);
    assert.match(String(dl.headers['content-disposition']), /^attachment; filename="ZFY0002-S1C1\.MP4"/);
    assert.deepEqual(dl.body, vaultBytes(fx, other));
    const started = await c.manager.post('/exports', { requestId: request.id, caseNo: '(2025)罚字第9号' });
    assert.equal(started.status, 303);
    assert.equal(started.headers.location, '/exports?done=exporting');
    const record = await until('the export', () => fx.ledger.accessQueries.exports()[0]);
    const list = await c.manager.get('/exports');
    assert.match(list.text, new RegExp(`data-export="${record.id}"`));
    const before = accessLogRows(fx.ledger).length;
    const zip = await c.manager.get(`/exports/${record.id}/download`);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.equal(zip.body.subarray(0, 2).toString('latin1'), 'PK');
    const log = accessLogRows(fx.ledger).slice(before);
    assert.deepEqual(
      log.map((l) => [l.action, l.target, l.request_id]),
      [['export-download', `export:${record.id}`, request.id]],
    );
    const downloads = accessLogRows(fx.ledger).filter((l) => l.action === 'download');
    assert.equal(downloads.at(-1)?.request_id, request.id);
    assert.equal((await c.auditor.get(`/exports/${record.id}/download`)).status, 403, 'not the creator');
    assert.equal((await c.supervisor.get(`/exports/${record.id}/download`)).status, 200, 'footage.decide');
  });

  it('an export without an approval of ones own is refused on the page', async () => {
    const res = await c.manager.post('/exports', { requestId: 'no-such-request' });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="my-requests"/);
  });

  it('labels: the party is shown only to roles with labels.personal', async () => {
    const saved = await c.manager.post(`/clips/${own.id}/labels`, {
      caseNo: '(2025)罚字第1号',
      party: '王五',
      officerInCharge: '310001',
      important: '1',
    });
    assert.equal(saved.status, 303);
    assert.equal(fx.ledger.accessQueries.clip(own.id)?.labels?.party, '王五');
    assert.match((await c.supervisor.get(`/clips/${own.id}`)).text, /id="label-party">王五</);
    for (const role of ['auditor', 'officer'] as const) {
      const page = await c[role].get(`/clips/${own.id}`);
      assert.equal(page.status, 200, role);
      assert.ok(!page.text.includes('王五'), `${role} sees the party`);
      assert.match(page.text, /\(2025\)罚字第1号/);
    }
    const search = await c.auditor.get(`/clips?caseNo=${encodeURIComponent('(2025)罚字第1号')}`);
    assert.ok(search.text.includes(`data-clip="${own.id}"`));
    assert.ok(!search.text.includes(`data-clip="${other.id}"`));
  });

  it('verify now re-hashes the vault copy off the request and records ok, mismatch or missing', async () => {
    const [a, b] = [fx.clips[6] as ClipRecord, fx.clips[7] as ClipRecord];
    const check = async (clip: ClipRecord) => {
      const res = await c.manager.post(`/clips/${clip.id}/check`);
      assert.equal(res.status, 303);
      return until('the check', () => fx.ledger.accessQueries.clip(clip.id)?.check);
    };
    assert.equal((await check(a)).result, 'ok');
    const file = path.join(fx.paths.vaultDir, b.vaultRel);
    chmodSync(file, 0o640);
    const bad = Buffer.from(readFileSync(file));
    bad[0] = (bad[0] ?? 0) ^ 0xff;
    writeFileSync(file, bad);
    const found = await check(b);
    assert.equal(found.result, 'mismatch');
    assert.equal(found.checkedBy, 'manager1');
    const page = await c.manager.get(`/clips/${b.id}`);
    assert.match(page.text, /data-result="mismatch"/);
    rmSync(file);
    const res = await c.manager.post(`/clips/${b.id}/check`);
    assert.equal(res.status, 303);
    await until('missing', () => fx.ledger.accessQueries.clip(b.id)?.check?.result === 'missing');
    assert.equal((await c.manager.get(`/clips/${b.id}/video`)).status, 403);
  });
});
