import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  CONFIG_EXIT_CODE,
  ConfigError,
  type ConfigProblem,
  formatConfigError,
} from '../../agent/config/config-error.ts';
import { EMBEDDED_SOURCE, loadConfig, parseConfigText } from '../../agent/config/config-loader.ts';
import { configValidator } from '../../agent/config/config-schema.ts';
import { configKeyRows } from '../../agent/config/key-table.ts';
import { DEFAULT_SEAL_TUNING } from '../../agent/ingest/seal-pass.ts';
import { defaultPaths, pathsUnder } from '../../agent/paths.ts';

const fixture = (name: string) => new URL(`../fixtures/config/${name}`, import.meta.url);

function problemsOf(text: string): ConfigProblem[] {
  try {
    parseConfigText(text, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('the configuration was accepted');
}

const byPath = (problems: readonly ConfigProblem[], path: string) => problems.filter((p) => p.path === path);

describe('configuration: the embedded defaults', () => {
  it('load, with every path at its FHS place and the tuning the ingest core defaults to', async () => {
    const { config, notes } = await loadConfig(null);
    assert.equal(config.source, EMBEDDED_SOURCE);
    assert.deepEqual(notes, []);
    assert.deepEqual(config.paths, defaultPaths());
    assert.deepEqual(config.ingest.tuning, DEFAULT_SEAL_TUNING);
    assert.equal(config.rules.lateIngestHours, 24);
    assert.equal(config.rules.wipePolicy, 'after-seal');
    assert.equal(config.rules.timezone, 'Asia/Shanghai');
    assert.deepEqual(config.web.listen, { host: '127.0.0.1', port: 8470 });
    assert.equal(config.drivers.gaSdk, null);
    assert.equal(config.drivers.massStorage.mounter, 'helper');
  });

  it('put the file forwarder target under the state folder, wherever that is', async () => {
    const { config } = await loadConfig(null, {
      pathDefaults: { stateDir: '/srv/demo/state', runDir: '/srv/demo/run' },
    });
    assert.deepEqual(config.paths, pathsUnder('/srv/demo/state', '/srv/demo/run'));
    assert.deepEqual(config.forwarder.target, { type: 'file', dir: '/srv/demo/state/central-store' });
  });
});

describe('configuration: values', () => {
  it('derives unset paths from the ones set, like pathsUnder', () => {
    const { config } = parseConfigText(
      'version: 2\npaths:\n  stateDir: /data/dock\n  vaultDir: /big/vault\n',
      't',
    );
    assert.equal(config.paths.stagingDir, '/big/vault/.staging');
    assert.equal(config.paths.quarantineDir, '/big/vault/.quarantine');
    assert.equal(config.paths.mountDir, '/run/recorder-dock/mnt');
    assert.equal(config.forwarder.target.dir, '/data/dock/central-store');
  });

  it('reads sizes with units and as plain numbers', () => {
    const { config } = parseConfigText(
      'version: 2\ningest:\n  bufferBytes: 1 MiB\n  checkpointBytes: 67108864\n  writebackBytes: 0\n',
      't',
    );
    assert.deepEqual(config.ingest.tuning, {
      bufferBytes: 1 << 20,
      checkpointBytes: 64 << 20,
      writebackBytes: 0,
    });
  });

  it('gives the drivers their settings with defaults filled in', () => {
    const { config } = parseConfigText(
      'version: 2\ndrivers:\n  gaSdk:\n    libraryPath: /opt/v/lib.so\n    password: "1234"\n  serial:\n    password: "0000"\n',
      't',
    );
    assert.deepEqual(config.drivers.gaSdk, {
      libraryPath: '/opt/v/lib.so',
      password: '1234',
      idCode: '',
      goneCodes: [],
      callTimeoutMs: 15000,
    });
    assert.equal(config.drivers.serial?.deviceUtcOffsetMinutes, 480);
    assert.deepEqual(config.drivers.massStorage.fsOptions, { vfat: ['utf8'], exfat: ['iocharset=utf8'] });
  });
});

describe('configuration: problems', () => {
  it('lists every problem of a file at once, each with its key path, line and a hint', async () => {
    const problems = problemsOf(await readFile(fixture('invalid-many.yaml'), 'utf8'));
    const expected: [string, number, RegExp][] = [
      ['paths.runDir', 4, /absolute path/],
      ['paths.mountDir', 5, /overlaps the vault/],
      ['ingest.bufferBytes', 7, /allowed forms/],
      ['drivers.gaSdk', 10, /needs the key password/],
      ['drivers.gaSdk.pasword', 12, /unknown key/],
      ['drivers.massStorage.fsOptions.vfat[0]', 15, /expected form/],
      ['drivers.massStorage.nosymfollow', 16, /one of auto, true, false/],
      ['rules.timezone', 18, /time zone/],
      ['rules.wipePolicy', 19, /one of never, after-seal, after-forward-ack/],
      ['forwarder.target', 21, /needs the key dir/],
      ['unknownSection', 23, /unknown key/],
    ];
    for (const [path, line, message] of expected) {
      const found = byPath(problems, path);
      assert.equal(found.length, 1, `one problem at ${path}: ${JSON.stringify(problems, null, 1)}`);
      assert.equal(found[0]?.line, line, `line of ${path}`);
      assert.match(found[0]?.message ?? '', message);
      assert.ok((found[0]?.hint ?? '').length > 5, `a hint at ${path}`);
    }
    assert.equal(problems.length, expected.length, JSON.stringify(problems, null, 1));
    assert.match(byPath(problems, 'drivers.gaSdk.pasword')[0]?.hint ?? '', /did you mean password/);
    assert.match(byPath(problems, 'ingest.bufferBytes')[0]?.hint ?? '', /4 MiB/);
  });

  it('is a ConfigError with exit code 78 and a message that says what to run', () => {
    try {
      parseConfigText('version: 2\nlog: { level: loud }\n', '/etc/recorder-dock/config.yaml');
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.exitCode, CONFIG_EXIT_CODE);
      assert.equal(err.exitCode, 78);
      assert.match(err.message, /dockctl config check \/etc\/recorder-dock\/config.yaml/);
      assert.match(formatConfigError(err), /^ {2}- log\.level \(line 2\): must be one of fatal/m);
    }
  });

  it('reports YAML syntax errors with their line, and an empty file', () => {
    const syntax = problemsOf('version: 2\nrules:\n  timezone: [Asia/Shanghai\n');
    assert.ok(syntax.length >= 1);
    assert.ok(syntax.every((p) => p.path === '' && /not valid YAML/.test(p.message)));
    assert.ok(syntax.some((p) => p.line !== null && p.line >= 3));
    assert.match(problemsOf('# nothing\n')[0]?.message ?? '', /holds no settings/);
    assert.match(problemsOf('version: 2\nversion: 2\n')[0]?.message ?? '', /not valid YAML/);
  });

  it('refuses a file written for a newer version, and one without a version', () => {
    const newer = problemsOf('version: 3\n');
    assert.equal(newer.length, 1);
    assert.match(newer[0]?.message ?? '', /newer than this recorder-dock reads/);
    assert.match(problemsOf('rules: {}\n')[0]?.message ?? '', /needs the key version/);
  });

  it('reports settings that only make sense together', () => {
    const problems = problemsOf(
      'version: 2\ningest:\n  bufferBytes: 5000\n  writebackBytes: 4 KiB\nweb:\n  listen: { host: 0.0.0.0, port: 9000 }\nhealth:\n  listen: { host: 127.0.0.1, port: 9000 }\n',
    );
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      'health.listen.port',
      'ingest.bufferBytes',
      'ingest.writebackBytes',
      'web.listen.host',
    ]);
  });

  it('refuses a page open to the network without TLS, and accepts it with TLS', () => {
    const open = problemsOf('version: 2\nweb:\n  listen: { host: 0.0.0.0, port: 9000 }\n');
    assert.equal(open.length, 1);
    assert.equal(open[0]?.path, 'web.listen.host');
    assert.match(open[0]?.hint ?? '', /web\.tls\.certFile/);
    const config = parseConfigText(
      'version: 2\nweb:\n  listen: { host: 0.0.0.0, port: 9000 }\n  tls: { certFile: /etc/recorder-dock/web.crt, keyFile: /etc/recorder-dock/web.key }\n',
      'test.yaml',
    );
    assert.equal(config.config.web.tls?.certFile, '/etc/recorder-dock/web.crt');
  });

  it('checks the serial patterns of site fingerprint entries', () => {
    const problems = problemsOf(
      [
        'version: 2',
        'drivers:',
        '  fingerprints:',
        '    models:',
        '      - { id: site-a, vendor: V, model: M, driver: serial, match: { vendorId: "0403", productId: "6001", serialPattern: "([" }, admitGeneric: true }',
      ].join('\n'),
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.path, 'drivers.fingerprints.models[0].match.serialPattern');
    assert.equal(problems[0]?.line, 5);
  });

  it('a missing file is a ConfigError naming the file', async () => {
    await assert.rejects(loadConfig('/nonexistent/recorder-dock.yaml'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0]?.message ?? '', /does not exist/);
      return true;
    });
  });
});

describe('configuration: the commented example', () => {
  const exampleUrl = new URL('../../config/example.yaml', import.meta.url);

  it('is valid as shipped', async () => {
    const { config } = parseConfigText(await readFile(exampleUrl, 'utf8'), 'example.yaml');
    assert.equal(config.version, 2);
  });

  it('documents every key of the schema (its optional sections uncommented)', async () => {
    const text = (await readFile(exampleUrl, 'utf8')).replace(/^(\s*)#~ ?/gm, '$1');
    const { config } = parseConfigText(text, 'example.yaml');
    assert.ok(config.drivers.gaSdk && config.drivers.serial, 'the optional sections are valid');
    const doc = (await import('yaml')).parse(text) as Record<string, unknown>;
    const missing = configKeyRows(configValidator().schemas)
      .map((r) => r.key)
      .filter((key) => {
        let node: unknown = doc;
        for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
        return node === undefined;
      });
    assert.deepEqual(missing, [], 'keys missing from config/example.yaml');
  });
});
