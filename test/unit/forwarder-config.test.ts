import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTarget } from '../../agent/forwarder/create-target.ts';
import { parseForwarderConfig, type TargetConfig } from '../../agent/forwarder/forwarder-config.ts';
import { silentLogger } from '../../agent/ops/logger.ts';

const files: Record<string, string> = {
  '/etc/rd/token': 'tok-123\n',
  '/etc/rd/empty': '\n',
  '/etc/rd/s3.json': '{"accessKeyId":"AK","secretAccessKey":"SK"}',
  '/etc/rd/bad.json': 'AK:SK',
};

const deps = {
  stateDir: '/var/lib/recorder-dock',
  logger: silentLogger(),
  readFile: async (f: string) => {
    const text = files[f];
    if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  },
};

describe('forwarder configuration (schemas/forwarder-config.schema.json)', () => {
  it('fills in the defaults', () => {
    const c = parseForwarderConfig({ target: { type: 'file', dir: 'central-store' } });
    assert.equal(c.batchSize, 500);
    assert.deepEqual(c.backoff, { initialMs: 1000, maxMs: 300_000, multiplier: 2 });
    assert.equal(c.personalFields, 'send-when-secure');
    assert.equal(c.pollSeconds, 30);
    assert.equal(c.keepDeliveredDays, 30);
  });

  it('accepts each target as documented', () => {
    const targets: TargetConfig[] = [
      { type: 'file', dir: '/srv/store' },
      {
        type: 's3',
        endpoint: 'https://minio.county.example:9000',
        bucket: 'dock-index',
        prefix: 'docks/',
        credentialsFile: '/etc/rd/s3.json',
        objectLockMode: 'COMPLIANCE',
        objectLockRetainDays: 365,
      },
      {
        type: 'https',
        url: 'https://platform.example/api/v1/batches',
        tokenFile: '/etc/rd/token',
        timeoutMs: 10_000,
      },
      {
        type: 'https',
        url: 'https://platform.example/in',
        clientCertFile: '/c.pem',
        clientKeyFile: '/k.pem',
        caFile: '/ca.pem',
      },
    ];
    for (const target of targets) assert.equal(parseForwarderConfig({ target }).target.type, target.type);
  });

  it('lists every problem in one error', () => {
    const bad = {
      target: { type: 's3', endpoint: 'ftp://x', bucket: 'b' },
      batchSize: 0,
      backoff: { initialMs: 1 },
    };
    assert.throws(
      () => parseForwarderConfig(bad, 'the test config'),
      (err: Error) => {
        assert.match(err.message, /^the test config is not valid: /);
        assert.match(err.message, /batchSize/);
        assert.match(err.message, /initialMs/);
        return true;
      },
    );
    assert.throws(() =>
      parseForwarderConfig({ target: { type: 'https', url: 'https://x', token: 'a', tokenFile: '/t' } }),
    );
    assert.throws(() =>
      parseForwarderConfig({ target: { type: 'https', url: 'https://x', clientCertFile: '/c' } }),
    );
    assert.throws(() =>
      parseForwarderConfig({
        target: {
          type: 's3',
          endpoint: 'https://x',
          bucket: 'bbb',
          objectLockMode: 'GOVERNANCE',
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        },
      }),
    );
  });
});

describe('createTarget', () => {
  it('takes a relative file dir below the state folder, and never calls a file target secure', async () => {
    const t = await createTarget({ type: 'file', dir: 'central-store' }, deps);
    assert.equal(t.description, 'file:/var/lib/recorder-dock/central-store');
    assert.equal(t.secure, false);
  });

  it('calls an https target secure only with TLS and a credential', async () => {
    const cases: [TargetConfig, boolean][] = [
      [{ type: 'https', url: 'https://p.example/in', tokenFile: '/etc/rd/token' }, true],
      [{ type: 'https', url: 'https://p.example/in', token: 'x' }, true],
      [{ type: 'https', url: 'https://p.example/in' }, false],
      [{ type: 'https', url: 'http://p.example/in' }, false],
    ];
    for (const [config, secure] of cases) {
      const t = await createTarget(config, deps);
      assert.equal(t.secure, secure, JSON.stringify(config));
      assert.equal(t.description.includes('tok'), false, 'no secret in the description');
      await t.close();
    }
  });

  it('calls an s3 target secure only over https (credentials are required)', async () => {
    const base = { type: 's3' as const, bucket: 'dock-index', credentialsFile: '/etc/rd/s3.json' };
    const tls = await createTarget({ ...base, endpoint: 'https://oss.gov.example' }, deps);
    const plain = await createTarget({ ...base, endpoint: 'http://127.0.0.1:9000' }, deps);
    assert.equal(tls.secure, true);
    assert.equal(plain.secure, false);
    assert.equal(tls.description, 's3:https://oss.gov.example/dock-index/');
    await tls.close();
    await plain.close();
  });

  it('says which secret file is missing or malformed, and refuses credentials over plain http', async () => {
    await assert.rejects(
      createTarget({ type: 'https', url: 'https://p.example/in', tokenFile: '/etc/rd/nope' }, deps),
      /token file \/etc\/rd\/nope cannot be read \(ENOENT\)/,
    );
    await assert.rejects(
      createTarget({ type: 'https', url: 'https://p.example/in', tokenFile: '/etc/rd/empty' }, deps),
      /is empty/,
    );
    await assert.rejects(
      createTarget(
        { type: 's3', endpoint: 'https://x', bucket: 'bbb', credentialsFile: '/etc/rd/bad.json' },
        deps,
      ),
      /not JSON/,
    );
    await assert.rejects(
      createTarget({ type: 'https', url: 'http://p.example/in', tokenFile: '/etc/rd/token' }, deps),
      /unencrypted/,
    );
  });
});
