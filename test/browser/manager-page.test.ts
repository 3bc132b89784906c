import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { verifyExportPackage } from '../../agent/export/verify-package.ts';
import type { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { testAlert } from '../helpers/test-alert.ts';
import { BrowserFixture, TEST_ACCOUNTS, TEST_PASSWORD } from './browser-fixture.ts';
import { latinWords } from './latin-words.ts';

const H = 3_600_000;
const MIB = 1024 * 1024;

async function logIn(fx: BrowserFixture, context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${fx.url}/`);
  assert.match(page.url(), /\/login/, 'an anonymous visitor is sent to the login page');
  await page.fill('#login-form input[name="username"]', username);
  await page.fill('#login-form input[name="password"]', TEST_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('#login-form button'),
  ]);
  return page;
}

/** Continuous one-minute segments from `first`, with a stop of `gapMs` after segment `gapAfter`. */
function segments(first: number, count: number, bytes: number, gapAfter = -1, gapMs = 0) {
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(first + i * 60_000 + (gapAfter >= 0 && i > gapAfter ? gapMs : 0)),
    seconds: 60,
    width: 320,
    height: 240,
    padToBytes: bytes,
  }));
}

describe('the equipment manager’s page in headless Chromium', () => {
  let fx: BrowserFixture;
  let big: SimRecorder;
  let gappy: SimRecorder;

  before(async () => {
    fx = await BrowserFixture.create();
    const now = Date.now();
    // Big enough that copying takes several seconds on this machine, so the page must update live.
    big = await fx.recorder({
      kind: 'ga-sdk',
      identity: { userNo: '000123', userName: '张三' },
      clips: segments(now - 3 * H, 3, 384 * MIB),
    });
    gappy = await fx.recorder({
      kind: 'serial',
      identity: { userNo: '000124', userName: '李四' },
      clips: segments(now - 5 * H, 3, MIB, 0, 20 * 60_000),
    });
  });
  after(() => fx?.close());

  it('logs in and watches a simulated docking progress live, without reloading', async () => {
    const context = await fx.context();
    const page = await logIn(fx, context, 'manager');
    await page.waitForSelector('#now-recorders');
    await fx.screenshot(page, '01-now-empty');
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    await big.plug();
    const row = `#now-recorders tr[data-serial="${big.identity.serial}"]`;
    await page.waitForSelector(row, { timeout: 60_000 });
    const seen = new Set<string>();
    const bar = `${row} progress[data-field="progress"]`;
    const deadline = Date.now() + 90_000;
    while (seen.size < 3 && Date.now() < deadline) {
      const done = await page.getAttribute(bar, 'data-bytes-done').catch(() => null);
      if (done && done !== '0') seen.add(done);
      if (seen.size === 2) await fx.screenshot(page, '02-now-copying');
      await page.waitForTimeout(300);
    }
    assert.ok(seen.size >= 3, `the progress bar moved by itself (${[...seen].join(', ')})`);
    assert.equal(navigations, 0, 'the page was not reloaded');
    const officer = await page.textContent(`${row} [data-field="officer"]`);
    assert.equal(officer?.trim(), '张三（000123）', 'the officer by name and number');
    await fx.docked(big);
    await page
      .locator(`${row} [data-field="files"]`)
      .filter({ hasText: '3 / 3' })
      .waitFor({ timeout: 30_000 });
    await fx.screenshot(page, '03-now-done');
    await big.unplug();
    await context.close();
  });

  it("finds a recorder's ledger for last week and exports it as CSV", async () => {
    await gappy.plug();
    await fx.docked(gappy);
    await gappy.unplug();
    const context = await fx.context();
    const page = await logIn(fx, context, 'manager');
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const to = new Date(Date.now() + 24 * H);
    const from = new Date(Date.now() - 7 * 24 * H);
    await page.goto(`${fx.url}/ledger`);
    await page.fill('#ledger-filter input[name="serial"]', big.identity.serial);
    await page.fill('#ledger-filter input[name="from"]', day(from));
    await page.fill('#ledger-filter input[name="to"]', day(to));
    await Promise.all([page.waitForURL(/serial=/), page.click('#ledger-filter button[type="submit"]')]);
    const table = await page.textContent('main');
    assert.ok(table?.includes(big.identity.serial), 'the recorder is in its ledger');
    assert.ok(!table?.includes(gappy.identity.serial), 'only that recorder');
    await fx.screenshot(page, '04-ledger-week');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ledger-csv')]);
    const file = path.join(os.tmpdir(), `ledger-${process.pid}.csv`);
    await download.saveAs(file);
    const csv = await readFile(file, 'utf8');
    assert.equal(csv.charCodeAt(0), 0xfeff, 'a BOM so Excel reads the Chinese');
    assert.ok(csv.includes(big.identity.serial));
    assert.ok(csv.includes('\r\n'));
    const log = fx.dockd.ledger.accessQueries.accessLog({ username: 'manager' });
    assert.ok(
      log.some((e) => e.action === 'ledger-export'),
      'the export is in the access log',
    );
    await context.close();
  });

  it('raises an access request, a supervisor approves it, the export package downloads and verifies', async () => {
    const clip = fx.dockd.ledger.accessQueries.searchClips({ serial: big.identity.serial })[0];
    assert.ok(clip);
    const managerContext = await fx.context();
    const manager = await logIn(fx, managerContext, 'manager');
    await manager.goto(`${fx.url}/clips/${clip.id}`);
    const video = await manager.$('video');
    assert.equal(video, null, 'no footage before approval');
    await manager.selectOption('form[action="/access-requests"] select[name="purpose"]', 'export');
    await manager.fill('form[action="/access-requests"] [name="reason"]', '行政复议调取（复议字第7号）');
    await Promise.all([
      manager.waitForURL(/\/access/),
      manager.click('form[action="/access-requests"] button[type="submit"]'),
    ]);
    await fx.screenshot(manager, '05-access-requested');
    const request = fx.dockd.ledger.accessQueries.accessRequests({ requestedBy: 'manager' })[0];
    assert.equal(request?.status, 'pending');

    const supervisorContext = await fx.context();
    const supervisor = await logIn(fx, supervisorContext, 'supervisor');
    await supervisor.goto(`${fx.url}/access`);
    const decide = `form[data-request="${request?.id}"]`;
    await supervisor.waitForSelector(decide);
    await fx.screenshot(supervisor, '06-access-pending');
    await Promise.all([
      supervisor.waitForLoadState('load'),
      supervisor.click(`${decide} button[value="approved"]`),
    ]);
    await supervisor.locator(`${decide} button[value="approved"]`).waitFor({ state: 'detached' });
    assert.equal(fx.dockd.ledger.accessQueries.accessRequest(request!.id)?.status, 'approved');
    await supervisorContext.close();

    await manager.goto(`${fx.url}/clips/${clip.id}`);
    await manager.waitForSelector('video');
    await fx.screenshot(manager, '07-clip-approved');
    await manager.goto(`${fx.url}/access`);
    await Promise.all([
      manager.waitForURL(/\/exports/),
      manager.click(`form[action="/exports"] button[type="submit"]`),
    ]);
    const link = 'a[href$="/download"]';
    const deadline = Date.now() + 60_000;
    while (!(await manager.$(link)) && Date.now() < deadline) {
      await manager.waitForTimeout(500);
      await manager.reload();
    }
    await fx.screenshot(manager, '08-exports');
    const [download] = await Promise.all([manager.waitForEvent('download'), manager.click(link)]);
    const zip = path.join(os.tmpdir(), `export-${process.pid}.zip`);
    await download.saveAs(zip);
    const report = await verifyExportPackage(zip);
    assert.deepEqual(report.problems, []);
    assert.ok(report.ok);
    assert.ok(report.checkpoint?.verified, 'the checkpoint signature verifies');
    const actions = fx.dockd.ledger.accessQueries.accessLog({ username: 'manager' }).map((e) => e.action);
    for (const a of ['view', 'export', 'export-download']) assert.ok(actions.includes(a as never), a);
    await managerContext.close();
  });

  it('R9: the manager enters a gap explanation; each signer signs with their own password; the supervisor reads it', async () => {
    const context = await fx.context();
    const page = await logIn(fx, context, 'manager');
    await page.goto(`${fx.url}/alerts`);
    const gap = fx.dockd.ledger.queries.openAlerts().find((a) => a.kind === 'recording-gap');
    assert.ok(gap, 'the gappy recorder raised a gap alert');
    const form = `form[data-alert="${gap.id}"][data-kind="explain"]`;
    await page.waitForSelector(form);
    await page.fill(`${form} [name="text"]`, '电池耗尽，更换电池后继续录制。');
    const signers = await page.$$(`${form} [name="signedBy"]`);
    assert.ok(signers.length >= 2);
    await signers[0]?.fill('000123');
    await signers[1]?.fill('000123');
    await Promise.all([page.waitForLoadState('load'), page.click(`${form} button[type="submit"]`)]);
    assert.equal(fx.dockd.ledger.gaps.current(gap.id), null, 'one officer named twice is refused');
    await fx.screenshot(page, '09-gap-refused');
    await page.goto(`${fx.url}/alerts`);
    await page.fill(`${form} [name="text"]`, '电池耗尽，更换电池后继续录制。');
    const again = await page.$$(`${form} [name="signedBy"]`);
    await again[0]?.fill('000123');
    await again[1]?.fill('000124');
    await Promise.all([page.waitForLoadState('load'), page.click(`${form} button[type="submit"]`)]);
    assert.ok(
      fx.dockd.ledger.queries.openAlerts().some((a) => a.id === gap.id),
      'entered, not yet signed',
    );
    await fx.screenshot(page, '10-gap-entered');

    // 张三 signs with his own login, from his own session.
    const officerContext = await fx.context();
    const officer = await logIn(fx, officerContext, 'zhangsan');
    await officer.waitForSelector('#gaps-to-sign-notice');
    await officer.goto(`${fx.url}/gaps`);
    await fx.screenshot(officer, '11-gaps-to-sign');
    await Promise.all([
      officer.waitForURL(/done=signed/),
      officer.click(`form[data-alert="${gap.id}"][data-kind="sign"] button`),
    ]);
    await officerContext.close();

    // 李四 is at the dock: he types his own password into the manager's page.
    await page.goto(`${fx.url}/alerts`);
    const sign = `form[data-alert="${gap.id}"][data-kind="sign-in-person"]`;
    await page.fill(`${sign} [name="username"]`, 'lisi');
    await page.fill(`${sign} [name="password"]`, TEST_PASSWORD);
    await Promise.all([page.waitForURL(/done=explained/), page.click(`${sign} button`)]);
    assert.ok(!fx.dockd.ledger.queries.openAlerts().some((a) => a.id === gap.id), 'explained');
    assert.deepEqual(fx.dockd.ledger.sessionRecords.gapExplanation(gap.id)?.signedBy, ['000123', '000124']);
    await fx.screenshot(page, '12-gap-explained');
    await context.close();

    const supervisorContext = await fx.context();
    const supervisor = await logIn(fx, supervisorContext, 'supervisor');
    await supervisor.waitForSelector('#gaps-to-read-notice');
    await supervisor.goto(`${fx.url}/gaps`);
    await fx.screenshot(supervisor, '13-gaps-to-read');
    await Promise.all([
      supervisor.waitForURL(/done=saved/),
      supervisor.click(`form[data-alert="${gap.id}"][data-kind="acknowledge"] button`),
    ]);
    assert.deepEqual(fx.dockd.ledger.gaps.unacknowledged(), []);
    await supervisorContext.close();
  });

  it('walks every page as each role, in zh-CN with no Latin word outside the allow-list, and in English', async () => {
    const ledger = fx.dockd.ledger;
    const own = ledger.accessQueries.searchClips({ serial: big.identity.serial })[0];
    const others = ledger.accessQueries.searchClips({ serial: gappy.identity.serial })[0];
    assert.ok(own && others);
    // Open alerts of several kinds, so the alerts page renders each from its facts.
    const serial = big.identity.serial;
    const facts = { serial, sourcePath: own.sourcePath };
    for (const input of [
      testAlert('late-clip', `clip:${own.id}`, {
        facts: { ...facts, clipId: own.id, hoursLate: 30, limitHours: 24 },
      }),
      testAlert('read-error', `file:${serial}:${encodeURIComponent(own.sourcePath)}`, {
        facts: { ...facts, position: 4096, errno: 'EIO', attempts: 1, maxAttempts: 3 },
      }),
      testAlert('storage-low', 'vault', {
        facts: { freeBytes: 5 * 1024 ** 3, totalBytes: 100 * 1024 ** 3, freePercent: 5, limitPercent: 10 },
      }),
      testAlert('unknown-device', 'device:1-2', {
        facts: { deviceKey: '1-2', vendorId: '0781', productId: '5581', label: null },
      }),
      testAlert('recorder-not-ready', `recorder:${serial}`, {
        facts: { serial, batteryPct: 12, freeBytes: null, minBatteryPct: 30, minFreeBytes: 4 * 1024 ** 3 },
      }),
      // The footage lifecycle's alerts (issue 15), about a clip and about the off-site store.
      testAlert('offsite-not-worm', 'offsite', {
        facts: { store: 'folder:/srv/offsite', failedChecks: 'single delete refused, multipart survived' },
      }),
      testAlert('held-copy-missing', `clip:${own.id}`, {
        facts: { clipId: own.id, holdId: 'h1', copies: 1 },
      }),
      testAlert('retention-ended', 'vault', { facts: { clips: 3, bytes: 3 * 1024 ** 3 } }),
    ])
      ledger.openAlert(input);
    // A hold on the officer's clip, so the clip page and 保存与清理 show one.
    ledger.lifecycle.placeHold({
      scope: 'clip',
      clipId: own.id,
      ground: 'dispute',
      caseName: '占道经营投诉',
      caseNo: '(2026)城管字第7号',
      placedBy: 'manager',
    });
    const year = new Date().getFullYear();
    const pages: Record<string, readonly (readonly [string, string])[]> = {
      manager: [
        ['/', 'now'],
        ['/ledger', 'ledger'],
        ['/recorders', 'recorders'],
        ['/alerts', 'alerts'],
        ['/gaps', 'gaps-manager'],
        ['/clips', 'clips'],
        [`/clips/${own.id}`, 'clip'],
        ['/lifecycle', 'lifecycle'],
        ['/access', 'access-manager'],
        ['/exports', 'exports'],
        ['/reports', 'report-inventory'],
        ['/reports?name=handover', 'report-handover'],
        [`/reports?name=statistics&year=${year}`, 'report-statistics'],
        ['/no-such-page', 'not-found'],
      ],
      supervisor: [
        ['/', 'now-supervisor'],
        ['/access', 'access-supervisor'],
        ['/gaps', 'gaps-supervisor'],
        ['/access-log', 'access-log'],
        ['/lifecycle', 'lifecycle-supervisor'],
      ],
      auditor: [
        ['/clips', 'clips-auditor'],
        ['/lifecycle', 'lifecycle-auditor'],
      ],
      admin: [
        ['/users', 'users'],
        ['/ledger', 'forbidden'],
      ],
      zhangsan: [
        ['/', 'now-officer'],
        ['/clips', 'clips-officer'],
        [`/clips/${others.id}`, 'clip-of-another-officer'],
        ['/gaps', 'gaps-officer'],
        ['/access', 'access-officer'],
      ],
    };
    const data = [...TEST_ACCOUNTS.map((a) => a.username), 'sim ga-sdk', 'sim serial', 'Example vendor'];
    const found: string[] = [];
    let n = 20;
    for (const [username, routes] of Object.entries(pages)) {
      const context = await fx.context();
      const page = await logIn(fx, context, username);
      for (const [route, name] of routes) {
        n++;
        await page.goto(`${fx.url}${route}`);
        assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', route);
        const words = latinWords(await page.innerText('body'), data);
        if (words.length > 0) found.push(`${username} ${route}: ${words.join(' ')}`);
        await fx.screenshot(page, `${n}-zh-${name}`);
        const sep = route.includes('?') ? '&' : '?';
        await page.goto(`${fx.url}${route}${sep}lang=en`);
        assert.equal(await page.getAttribute('html', 'lang'), 'en', route);
        await fx.screenshot(page, `${n}-en-${name}`);
        await page.goto(`${fx.url}/?lang=zh-CN`);
      }
      await context.close();
    }
    const anonymous = await fx.context();
    const login = await anonymous.newPage();
    await login.goto(`${fx.url}/login`);
    const words = latinWords(await login.innerText('body'), data);
    if (words.length > 0) found.push(`anonymous /login: ${words.join(' ')}`);
    await fx.screenshot(login, `${n + 1}-zh-login`);
    await login.goto(`${fx.url}/login?lang=en`);
    await fx.screenshot(login, `${n + 1}-en-login`);
    await anonymous.close();
    assert.deepEqual(found, [], 'Latin words on Chinese pages');
  });
});
