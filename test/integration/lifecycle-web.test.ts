import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { unlinkEvicted } from '../../agent/lifecycle/space-keeper.ts';
import { loggedIn, startWebFixture, type WebFixture } from '../fixtures/web/web-fixture.ts';

const DAY = 86_400_000;

describe('the page: retention, copies, holds and purges (issue 15)', () => {
  let fx: WebFixture;

  before(async () => {
    fx = await startWebFixture({ lifecycle: true });
    await fx.lifecycle!.copier.drain();
    fx.clock.advance(200 * DAY); // every clip of March is past its six months
  });
  after(async () => {
    await fx.close();
  });

  it('shows each clip its class, retention end, both copies with their last verification, and its holds', async () => {
    const web = await loggedIn(fx, 'manager');
    const clip = fx.clips[0]!;
    let page = await web.get(`/clips/${clip.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="clip-class" data-class="routine">日常（至少六个月）/);
    assert.match(page.text, /id="clip-retention-end">2025-/);
    assert.match(page.text, /data-copy="vault"><td>本机存储<\/td><td>在本机/);
    assert.match(page.text, /data-copy="offsite" data-result="ok"/);
    const held = await web.post('/holds', {
      clipId: clip.id,
      ground: 'dispute',
      caseName: '占道经营投诉案',
      caseNo: '(2025)综执罚字第4号',
    });
    assert.equal(held.status, 303);
    assert.equal(held.headers.location, `/clips/${clip.id}?done=saved`);
    page = await web.get(`/clips/${clip.id}`);
    assert.match(
      page.text,
      /id="clip-holds"><li data-hold="[^"]+">当事人有异议或可能投诉、信访 · \(2025\)综执罚字第4号 · manager1/,
    );
  });

  it('lists expired clips not held, confirms a purge, undoes it; only a supervisor lifts a hold', async () => {
    const manager = await loggedIn(fx, 'manager');
    let page = await manager.get('/lifecycle');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="not-offsite"/, 'the folder default is labelled not off-site');
    assert.match(page.text, /id="space-use">已用/);
    assert.doesNotMatch(
      page.text,
      new RegExp(`data-clip="${fx.clips[0]!.id}"`),
      'the held clip is not offered',
    );
    assert.match(page.text, new RegExp(`data-clip="${fx.clips[1]!.id}"`));
    assert.doesNotMatch(page.text, /\/holds\/[^/"]+\/lift/, 'a manager gets no lift form');
    let res = await manager.post('/purges', { clipId: [fx.clips[1]!.id], reason: '无保存价值' });
    assert.equal(res.status, 303);
    page = await manager.get('/lifecycle');
    const purgeId = /data-purge="([^"]+)" data-status="recoverable"/.exec(page.text)?.[1];
    assert.ok(purgeId, 'the purge waits in the recoverable area');
    res = await manager.post(`/purges/${purgeId}/undo`, { reason: '当事人申请复核' });
    assert.equal(res.status, 303);
    page = await manager.get('/lifecycle');
    assert.match(page.text, new RegExp(`data-purge="${purgeId}" data-status="undone"`));
    res = await manager.post('/purges', { clipId: [fx.clips[0]!.id], reason: '无保存价值' });
    assert.equal(res.status, 400, 'a held clip cannot be purged');
    assert.match(res.text, /on hold/);

    const supervisor = await loggedIn(fx, 'supervisor');
    page = await supervisor.get('/lifecycle');
    const holdId = /\/holds\/([^/"]+)\/lift/.exec(page.text)?.[1];
    assert.ok(holdId);
    assert.equal((await supervisor.post(`/holds/${holdId}/lift`, { reason: '复核结束' })).status, 303);
    assert.equal(fx.ledger.lifecycle.holds(true).length, 0);
    const auditor = await loggedIn(fx, 'auditor');
    assert.equal((await auditor.get('/lifecycle')).status, 200);
    assert.equal((await auditor.post('/purges', { clipId: [fx.clips[2]!.id], reason: 'x' })).status, 403);
    const en = await manager.get('/lifecycle?lang=en');
    assert.match(en.text, /Keeping, holds and purges/);
    assert.match(en.text, /Past their retention end and not held \(R3\)/);
  });

  it('fetches an evicted clip back from its off-site copy, verified, when it is viewed', async () => {
    const clip = fx.clips[6]!; // the officer's own footage
    fx.ledger.lifecycle.recordEviction({ sha256: clip.sha256, freePercent: 3 });
    await unlinkEvicted(vaultPathFor(fx.paths.vaultDir, clip.sha256));
    const officer = await loggedIn(fx, 'officer');
    const video = await officer.get(`/clips/${clip.id}/video`);
    assert.equal(video.status, 200);
    assert.equal(createHash('sha256').update(video.body).digest('hex'), clip.sha256);
    assert.equal(fx.ledger.lifecycle.isEvicted(clip.sha256), false);
    assert.equal(fx.ledger.lifecycle.copiesOf(clip.sha256)[0]?.lastPurpose, 'fetch');
  });

  it('shows the vault use and the forecast on the Now page', async () => {
    const web = await loggedIn(fx, 'manager');
    const page = await web.get('/');
    assert.match(page.text, /id="space-forecast" data-days="">近 30 天没有新资料/);
    assert.match(page.text, /id="offsite-backlog" data-clips="0">无/);
  });
});
