import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import { selfSignedCert } from '../fixtures/forwarder/forwarder-fixture.ts';
import {
  WebClient as Client,
  HELD_SERIAL,
  loggedIn,
  startWebFixture,
  WEB_ROLES,
  type WebClient,
  type WebFixture,
} from '../fixtures/web/web-fixture.ts';

/** The access log as stored (read directly: the page's own reading is what is under test). */
function accessLogRows(ledger: Ledger): { username: string; action: string; target: string }[] {
  return ledger.readHandle.prepare('SELECT * FROM access_log ORDER BY seq').all() as {
    username: string;
    action: string;
    target: string;
  }[];
}

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

describe('web page: HTTP behaviour (headers, assets, live view, languages, errors, files)', () => {
  let fx: WebFixture;
  const clients = {} as Record<AccountRole, WebClient>;

  before(async () => {
    fx = await startWebFixture();
    for (const role of WEB_ROLES) clients[role] = await loggedIn(fx, role);
  });
  after(() => fx.close());
  it('sets the security headers on pages, JSON, assets and errors', async () => {
    const c = clients.manager;
    for (const path of ['/', '/api/now', '/assets/app.css', '/no-such-page', '/login']) {
      const res = await c.get(path);
      for (const [k, v] of Object.entries(SECURITY)) assert.equal(res.headers[k], v, `${path} ${k}`);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
    }
    const page = await c.get('/');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.doesNotMatch(
      page.text,
      /<script>|<script [^>]*>[^<]|style="/,
      'inline script or style on the page',
    );
  });

  it('serves assets from disk with their type and cache headers, and nothing else', async () => {
    const c = new Client(fx.url);
    const js = await c.get('/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.match(String(js.headers['cache-control']), /max-age/);
    const again = await c.get('/assets/app.js', { 'if-none-match': String(js.headers.etag) });
    assert.equal(again.status, 304);
    const css = await c.get('/assets/app.css');
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(css.text, /@media print/);
    for (const path of [
      '/assets/../package.json',
      '/assets/%2e%2e/package.json',
      '/assets/..%2fweb-server.ts',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/.hidden',
      '/assets/nope.js',
      '/assets/app.js%00.css',
      '/assets/%2fetc%2fpasswd',
    ]) {
      const res = await c.get(path);
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
      assert.doesNotMatch(res.text, /"name": "recorder-dock"|root:x:0/);
    }
  });

  it('the Now page and its JSON show the docked recorders with stable attributes', async () => {
    const c = clients.manager;
    const page = await c.get('/');
    assert.match(page.text, /<tr data-device-key="usb-1-1" data-serial="ZFY0001"/);
    assert.match(page.text, /data-bytes-done="41943040" data-bytes-total="104857600"/);
    assert.match(page.text, /<td data-field="step">采集中<\/td>/, 'dock steps in words');
    assert.match(page.text, new RegExp(`action="/recorders/${HELD_SERIAL}/accept"`));
    const officer = await clients.officer.get('/');
    assert.doesNotMatch(officer.text, /\/accept"/, 'an officer sees accept buttons');
    const json = await c.get('/api/now');
    assert.equal(json.status, 200);
    const view = JSON.parse(json.text) as { recorders: { serial: string }[] };
    assert.deepEqual(
      view.recorders.map((r) => r.serial),
      ['ZFY0001', HELD_SERIAL],
    );
  });

  it('switches the language with ?lang=en and remembers it in rd_lang', async () => {
    const c = await loggedIn(fx, 'manager');
    const zh = await c.get('/ledger');
    assert.match(zh.text, /<html lang="zh-CN">/);
    assert.match(zh.text, /台账/);
    const en = await c.get('/ledger?lang=en');
    assert.match(en.text, /<html lang="en">/);
    assert.match(String(en.headers['set-cookie']), /rd_lang=en/);
    const later = await c.get('/alerts');
    assert.match(later.text, /<html lang="en">/);
    assert.match(later.text, /Open alerts/);
  });

  it('a refused form shows its page again with the one-line reason (400)', async () => {
    const gap = fx.ledger.queries.openAlerts().find((a) => a.kind === 'recording-gap');
    assert.ok(gap);
    const res = await clients.manager.post(`/alerts/${gap.id}/explain`, {
      alertId: gap.id,
      text: 'battery ran out during the inspection',
      signedBy: ['310001'],
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /class="flash error" role="alert">[^<]*two or more/);
    assert.match(res.text, /id="open-alerts"/);
    assert.match(
      res.text,
      /maxlength="2000">battery ran out during the inspection<\/textarea>/,
      'what was typed is kept',
    );
    assert.match(res.text, /name="signedBy" required maxlength="32" size="8" value="310001"/);
    assert.equal(
      fx.ledger.queries.openAlerts().some((a) => a.id === gap.id),
      true,
    );
  });

  it('an unexpected error is a generic 500 page without a stack trace, logged', async () => {
    const saved = fx.live;
    fx.live = null as never;
    try {
      const res = await clients.manager.get('/');
      assert.equal(res.status, 500);
      assert.doesNotMatch(res.text, /TypeError|at handleRequest|\.ts:\d+/);
    } finally {
      fx.live = saved;
    }
    assert.ok(fx.logLines.some((l) => l.includes('"level":50') && l.includes('web request failed')));
  });

  it('refuses a form larger than 64 KiB', async () => {
    const res = await clients.manager.post('/recorders', { serial: 'ZFY-BIG', model: 'x'.repeat(70 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(fx.ledger.find.recorder('ZFY-BIG'), null);
  });

  it('rejects path traversal in export, clip and download parameters', async () => {
    const m = clients.manager;
    const s = clients.supervisor;
    const evil = [
      '..',
      '%2e%2e',
      '%2E%2E',
      '..%2f..%2fetc%2fpasswd',
      '%2e%2e%2f%2e%2e%2fpackage.json',
      '%2fetc%2fpasswd',
      '%00',
      'abc%00def',
      '%252e%252e',
      '..%5c..%5cpackage.json',
      '00000000-0000-0000-0000-000000000000',
    ];
    for (const id of evil) {
      for (const [client, path] of [
        [s, `/exports/${id}/download`],
        [m, `/clips/${id}`],
        [m, `/clips/${id}/video`],
        [m, `/clips/${id}/download`],
      ] as const) {
        const res = await client.get(path);
        assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
        assert.doesNotMatch(res.text, /root:x:0|"name": "recorder-dock"/);
        assert.notEqual(res.headers['content-type'], 'application/zip');
      }
    }
    const res = await m.get('/ledger.csv?from=..%2F..%2Fetc&to=%00');
    assert.equal(res.status, 400);
  });

  it('the ledger CSV is a valid attachment and its export is logged', async () => {
    const before = accessLogRows(fx.ledger).length;
    const res = await clients.manager.get('/ledger.csv?from=2025-02-24&to=2025-03-02&serial=ZFY0001');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const disposition = String(res.headers['content-disposition']);
    assert.match(
      disposition,
      /^attachment; filename="ledger-2025-02-24_2025-03-02\.csv"; filename\*=UTF-8''/,
    );
    assert.match(disposition, /%E5%8F%B0/, 'the UTF-8 name (台账…) is percent-encoded');
    assert.equal(res.body.subarray(0, 3).toString('hex'), 'efbbbf');
    const lines = res.text.slice(1).split('\r\n');
    assert.ok(
      lines.some((l) => l.startsWith('ZFY0001,')),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.startsWith('ZFY0002,')));
    const log = accessLogRows(fx.ledger);
    assert.equal(log.length, before + 1);
    assert.equal(log.at(-1)?.action, 'ledger-export');
    assert.equal(log.at(-1)?.username, 'manager1');
    assert.equal(log.at(-1)?.target, 'ledger:from=2025-02-24,to=2025-03-02,serial=ZFY0001');
  });

  it('the XLSX export is a zip-based workbook', async () => {
    const res = await clients.supervisor.get('/ledger.xlsx?from=2025-02-24&to=2025-03-02');
    assert.equal(res.status, 200);
    assert.equal(res.body.subarray(0, 2).toString('latin1'), 'PK');
    assert.match(String(res.headers['content-disposition']), /filename="ledger-2025-02-24_2025-03-02\.xlsx"/);
  });
});

describe('web page over TLS', () => {
  let fx: WebFixture;
  let dir: string;
  let agent: Agent;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-tls-'));
    const { cert, key } = selfSignedCert(dir, 'dock');
    agent = new Agent({ connect: { ca: cert } });
    fx = await startWebFixture({
      sessions: 1,
      deps: { tls: { cert: Buffer.from(cert), key: Buffer.from(key) } },
    });
  });
  after(async () => {
    await fx.close();
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https, logs in with a Secure cookie and checks the https origin', async () => {
    assert.match(fx.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const c = new Client(fx.url, agent);
    const res = await c.login('manager1', fx.accounts.manager.password);
    assert.equal(res.status, 303);
    assert.match([res.headers['set-cookie']].flat().join('\n'), /rd_session=[^;]+;.*Secure/);
    assert.equal((await c.get('/ledger')).status, 200);
    const plainOrigin = fx.url.replace('https:', 'http:');
    assert.equal(
      (await c.post('/recorders', { serial: 'ZFY-TLS' }, { headers: { origin: plainOrigin } })).status,
      403,
    );
    assert.equal(
      (await c.post('/recorders', { serial: 'ZFY-TLS' }, { headers: { origin: fx.url } })).status,
      303,
    );
  });
});
