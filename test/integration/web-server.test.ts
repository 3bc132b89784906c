import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { can, type Permission } from '../../agent/access/permissions.ts';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import type { Route } from '../../agent/web/router.ts';
import { WEB_ROUTES } from '../../agent/web/web-routes.ts';
import {
  WebClient as Client,
  HELD_SERIAL,
  loggedIn,
  PERSONAL_NAMES,
  startWebFixture,
  WEB_ROLES,
  type WebClient,
  type WebFixture,
} from '../fixtures/web/web-fixture.ts';

/** A concrete path for a route pattern, with valid-looking values for its parameters. */
function concretePath(route: Route, fx: WebFixture): string {
  return route.path
    .replace(':id', fx.clips[0]?.id ?? 'x')
    .replace(':serial', HELD_SERIAL)
    .replace(':username', 'officer1');
}

describe('web page: authentication, permissions, CSRF, headers', () => {
  let fx: WebFixture;
  const clients = {} as Record<AccountRole, WebClient>;

  before(async () => {
    fx = await startWebFixture();
    for (const role of WEB_ROLES) clients[role] = await loggedIn(fx, role);
  });
  after(() => fx.close());

  it('login sets an HttpOnly, SameSite=Strict, Secure session cookie and redirects to next', async () => {
    const c = new Client(fx.url);
    const page = await c.get('/login?next=%2Fledger');
    assert.equal(page.status, 200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(token);
    const res = await c.post(
      '/login',
      { username: 'manager1', password: fx.accounts.manager.password, next: '/ledger' },
      {
        csrf: token,
      },
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/ledger');
    const cookies = [res.headers['set-cookie']].flat().join('\n');
    const session = cookies.split('\n').find((l) => l.startsWith('rd_session='));
    assert.ok(session, cookies);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Strict/);
    assert.match(session, /Secure/);
    assert.match(session, /Path=\//);
    assert.equal((await c.get('/ledger')).status, 200);
  });

  it('a login never redirects to another site', async () => {
    const c = new Client(fx.url);
    const page = await c.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const res = await c.post(
      '/login',
      { username: 'manager1', password: fx.accounts.manager.password, next: '//evil.example/' },
      {
        csrf: token,
      },
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
  });

  it('a wrong password and an unknown user get the same generic message, and no cookie', async () => {
    const answers = [];
    for (const [username, password] of [
      ['manager1', 'wrong-password-1'],
      ['nobody99', 'wrong-password-1'],
    ] as const) {
      const c = new Client(fx.url);
      const res = await c.login(username, password);
      assert.equal(res.status, 401);
      assert.equal(c.cookies.has('rd_session'), false);
      answers.push(/id="login-error">([^<]+)</.exec(res.text)?.[1]);
    }
    assert.ok(answers[0]);
    assert.equal(answers[0], answers[1]);
  });

  it('the login form refuses a post without its token', async () => {
    const c = new Client(fx.url);
    const res = await c.post(
      '/login',
      { username: 'manager1', password: fx.accounts.manager.password },
      { csrf: null },
    );
    assert.equal(res.status, 403);
    assert.equal(c.cookies.has('rd_session'), false);
  });

  it('every route except the login refuses anonymous access (pages redirect, APIs answer 401)', async () => {
    const anonymous = new Client(fx.url);
    const head = fx.ledger.head().seq;
    const checked: string[] = [];
    for (const route of WEB_ROUTES) {
      if (route.access === 'public') continue;
      const path = concretePath(route, fx);
      const res =
        route.method === 'GET' ? await anonymous.get(path) : await anonymous.post(path, {}, { csrf: 'x' });
      if (route.kind === 'api') {
        assert.equal(res.status, 401, `${route.method} ${route.path}`);
        assert.match(String(res.headers['content-type']), /application\/json/);
      } else {
        assert.equal(res.status, 303, `${route.method} ${route.path}`);
        assert.match(String(res.headers.location), /^\/login\?next=/, `${route.method} ${route.path}`);
      }
      checked.push(`${route.method} ${route.path}`);
    }
    assert.ok(checked.length >= 30, `only ${checked.length} routes`);
    assert.equal(fx.ledger.head().seq, head, 'an anonymous request changed the ledger');
  });

  it('each role is refused every route its permissions do not allow (403, nothing written)', async () => {
    let refusals = 0;
    for (const role of WEB_ROLES) {
      for (const route of WEB_ROUTES) {
        if (typeof route.access !== 'object') continue;
        const anyOf: readonly Permission[] = route.access.anyOf;
        if (anyOf.some((p) => can(role, p))) continue;
        const head = fx.ledger.head().seq;
        const path = concretePath(route, fx);
        const c = clients[role];
        const res = route.method === 'GET' ? await c.get(path) : await c.post(path, { serial: 'ZFY0001' });
        assert.equal(res.status, 403, `${role} ${route.method} ${route.path}`);
        assert.equal(fx.ledger.head().seq, head, `${role} ${route.method} ${route.path} wrote to the ledger`);
        refusals++;
      }
    }
    assert.ok(refusals > 40, `only ${refusals} refusals checked`);
  });

  it('the navigation shows only the pages of the role', async () => {
    const officer = await clients.officer.get('/');
    assert.equal(officer.status, 200);
    assert.doesNotMatch(officer.text, /href="\/ledger"/);
    assert.doesNotMatch(officer.text, /href="\/users"/);
    assert.match(officer.text, /href="\/clips"/);
    const admin = await clients.admin.get('/');
    assert.match(admin.text, /href="\/users"/);
    assert.doesNotMatch(admin.text, /href="\/clips"/);
    assert.match(admin.text, /id="current-user">admin1</);
  });

  it('a POST without the CSRF token or with a wrong one is refused and changes nothing', async () => {
    const c = clients.manager;
    const head = fx.ledger.head().seq;
    for (const csrf of [null, '', 'wrong-token', `${c.csrf}x`]) {
      const res = await c.post('/recorders', { serial: 'ZFY-CSRF', model: 'M' }, { csrf });
      assert.equal(res.status, 403, String(csrf));
    }
    assert.equal(fx.ledger.head().seq, head);
    assert.equal(fx.ledger.find.recorder('ZFY-CSRF'), null);
    const ok = await c.post('/recorders', { serial: 'ZFY-CSRF', model: 'M' });
    assert.equal(ok.status, 303);
    assert.equal(fx.ledger.find.recorder('ZFY-CSRF')?.model, 'M');
  });

  it('a cross-origin POST is refused even with the right token', async () => {
    const c = clients.manager;
    const head = fx.ledger.head().seq;
    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: fx.url.replace('127.0.0.1', 'localhost') },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const res = await c.post('/recorders', { serial: 'ZFY-XO' }, { headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal(fx.ledger.head().seq, head);
    const same = await c.post('/recorders', { serial: 'ZFY-XO' }, { headers: { origin: fx.url } });
    assert.equal(same.status, 303);
  });

  it('logout ends the session', async () => {
    const c = await loggedIn(fx, 'auditor');
    assert.equal((await c.get('/ledger')).status, 200);
    const out = await c.post('/logout');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    const again = await c.get('/ledger');
    assert.equal(again.status, 303);
  });

  it('never logs officer names, party names, passwords or query strings', async () => {
    const clip = fx.clips[0];
    assert.ok(clip);
    await clients.manager.post(`/clips/${clip.id}/labels`, {
      caseNo: '(2025)罚字第7号',
      party: '王五',
      officerInCharge: '赵六',
    });
    await clients.manager.get('/clips?officer=310001&caseNo=secretcase');
    await clients.manager.post('/officers', { officerNo: '310077', name: '钱七', unit: '执法队' });
    const log = fx.logLines.join('\n');
    assert.ok(fx.logLines.length > 20);
    for (const secret of [
      ...PERSONAL_NAMES,
      '王五',
      '赵六',
      '钱七',
      'secretcase',
      'caseNo=',
      ...Object.values(fx.accounts).map((a) => a.password),
    ]) {
      assert.equal(log.includes(secret), false, `the log holds ${secret}`);
    }
    assert.ok(
      fx.logLines.some((l) => l.includes('"route":"/clips/:id/labels"') && l.includes('"user":"manager1"')),
    );
  });
});

describe('web page: login throttling', () => {
  let fx: WebFixture;
  before(async () => {
    fx = await startWebFixture({ sessions: 1 });
  });
  after(() => fx.close());

  it('after 5 failures the login says how many minutes to wait, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await new Client(fx.url).login('manager1', `wrong-password-${i}`);
      assert.equal(res.status, 401);
    }
    const locked = await new Client(fx.url).login('manager1', fx.accounts.manager.password);
    assert.equal(locked.status, 429);
    assert.match(locked.text, /请 15 分钟后再试/);
    assert.equal(locked.headers['retry-after'], '900');
    fx.clock.advance(16 * 60_000);
    const later = await new Client(fx.url).login('manager1', fx.accounts.manager.password);
    assert.equal(later.status, 303);
  });

  it('200 parallel logins check five passwords at most; the right one among them is refused', async () => {
    const right = 150;
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const client = new Client(fx.url);
        const page = await client.get('/login');
        const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
        const password = i === right ? fx.accounts.supervisor.password : `wrong-password-${i}`;
        return client.post('/login', { username: 'supervisor1', password, next: '/' }, { csrf: token });
      }),
    );
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(checked <= 5, `${checked} passwords were checked`);
    assert.equal(statuses.filter((s) => s === 303).length, 0, 'nobody logged in');
    assert.equal(checked + statuses.filter((s) => s === 429).length, 200);
    assert.equal(answers[right]?.status, 429, 'the right password came after the limit');
  });
});
