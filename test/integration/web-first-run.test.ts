import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createRootLogger } from '../../agent/ops/logger.ts';
import { FIRST_ADMIN_COMMAND } from '../../agent/web/first-run.ts';
import { isLoopback } from '../../agent/web/pages/setup-page.ts';
import { startWebServer } from '../../agent/web/web-server.ts';
import { FakeClock, openTestLedger, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { sampleLiveView, WebClient } from '../fixtures/web/web-fixture.ts';

describe('the page on first run (no account yet)', () => {
  it('the login page says how to make the first administrator; the logged one-time link does it once', async () => {
    const state = tempState('web-first-run-');
    const clock = new FakeClock('2025-03-01T00:00:00.000Z');
    const ledger = await openTestLedger(state.paths, clock);
    const lines: string[] = [];
    const logger = createRootLogger({
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          cb();
        },
      }),
      level: 'info',
      pretty: false,
    });
    const server = await startWebServer({
      ledger,
      logger,
      now: clock.now,
      live: () => sampleLiveView(clock.now()),
      paths: state.paths,
      exportsDir: `${state.dir}/exports`,
      timeZone: 'Asia/Shanghai',
      listen: { host: '127.0.0.1', port: 0 },
    });
    try {
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; setupUrl?: string; command?: string });
      const setup = logged.find((l) => l.setupUrl);
      assert.ok(setup, 'dockd logs a setup link when there is no account');
      assert.equal(setup.command, FIRST_ADMIN_COMMAND);
      const link = new URL(setup.setupUrl as string);
      assert.equal(link.origin, server.url);

      const c = new WebClient(server.url);
      const login = await c.get('/login');
      assert.match(login.text, /id="first-run"/);
      assert.ok(login.text.includes(FIRST_ADMIN_COMMAND), 'the command to type');
      assert.match(login.text, /还没有任何账号/);
      assert.equal((await c.get('/setup?token=guessed-token')).status, 403);
      assert.equal((await c.get('/setup')).status, 403);
      const form = await c.get(`${link.pathname}${link.search}`);
      assert.equal(form.status, 200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const token = link.searchParams.get('token') ?? '';
      const weak = await c.post(
        '/setup',
        { token, username: 'admin', password: 'short', again: 'short' },
        { csrf },
      );
      assert.equal(weak.status, 400);
      const differ = await c.post(
        '/setup',
        { token, username: 'admin', password: 'Keeper-pass-01', again: 'Keeper-pass-02' },
        { csrf },
      );
      assert.equal(differ.status, 400);
      const made = await c.post(
        '/setup',
        { token, username: 'admin', password: 'Keeper-pass-01', again: 'Keeper-pass-01' },
        { csrf },
      );
      assert.equal(made.status, 303);
      assert.equal(made.headers.location, '/login?done=setup');
      assert.deepEqual(
        ledger.accessQueries.accounts().map((a) => [a.username, a.role, a.changedBy]),
        [['admin', 'admin', 'console']],
      );
      assert.equal((await c.get(`${link.pathname}${link.search}`)).status, 404, 'the link is dead once used');
      assert.doesNotMatch((await c.get('/login')).text, /id="first-run"/);
      assert.equal((await new WebClient(server.url).login('admin', 'Keeper-pass-01')).status, 303);
    } finally {
      await server.close();
      ledger.close();
      state.cleanup();
    }
  });

  it('only a browser on the dock itself may use the link', () => {
    for (const a of ['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1'])
      assert.equal(isLoopback(a), true, a);
    for (const a of ['10.0.0.5', '::ffff:192.168.1.2', 'fe80::1', '', undefined])
      assert.equal(isLoopback(a), false, String(a));
  });
});
