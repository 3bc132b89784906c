import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { combineReadiness, HealthServer } from '../../agent/ops/health-server.ts';
import { silentLogger } from '../../agent/ops/logger.ts';

function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('health endpoints on loopback', () => {
  let server: HealthServer;
  let port: number;
  let ledgerOpen = false;
  let diskFull = true;

  before(async () => {
    server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      log: silentLogger(),
      version: '0.1.0',
      readiness: combineReadiness([
        { name: 'ledger', check: () => (ledgerOpen ? null : 'not open yet') },
        { name: 'vault', check: async () => (diskFull ? 'the vault disk is full' : null) },
        {
          name: 'watcher',
          check: () => {
            throw new Error('watcher crashed');
          },
        },
      ]),
    });
    port = (await server.start()).port;
  });

  after(() => server.close());

  it('/healthz: alive while the process answers', async () => {
    const r = await get(port, '/healthz');
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/json/);
    const body = JSON.parse(r.body) as { status: string; version: string; uptimeSeconds: number };
    assert.equal(body.status, 'alive');
    assert.equal(body.version, '0.1.0');
    assert.ok(body.uptimeSeconds >= 0);
  });

  it('/readyz: 503 with every reason until each part is ready', async () => {
    const r = await get(port, '/readyz');
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.body), {
      status: 'not-ready',
      reasons: ['ledger: not open yet', 'vault: the vault disk is full', 'watcher: watcher crashed'],
    });
  });

  it('/readyz: 200 when ready', async () => {
    const ready = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      log: silentLogger(),
      readiness: combineReadiness([]),
    });
    const p = (await ready.start()).port;
    try {
      const r = await get(p, '/readyz?verbose=1');
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { status: 'ready', reasons: [] });
    } finally {
      await ready.close();
    }
    ledgerOpen = true;
    diskFull = false;
    assert.deepEqual(JSON.parse((await get(port, '/readyz')).body).reasons, ['watcher: watcher crashed']);
  });

  it('HEAD has no body; other methods 405; other paths 404', async () => {
    const head = await get(port, '/healthz', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(port, '/readyz', 'POST')).status, 405);
    assert.equal((await get(port, '/metrics')).status, 404);
  });

  it('refuses to start on a port in use, with the error', async () => {
    const clash = new HealthServer({
      host: '127.0.0.1',
      port,
      log: silentLogger(),
      readiness: () => ({ ready: true, reasons: [] }),
    });
    await assert.rejects(clash.start(), /EADDRINUSE/);
  });
});
