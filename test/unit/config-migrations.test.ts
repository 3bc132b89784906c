import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../agent/config/config-error.ts';
import { parseConfigText } from '../../agent/config/config-loader.ts';
import {
  CONFIG_MIGRATIONS,
  CONFIG_VERSION,
  migrate,
  migrationPath,
  objectTarget,
  originalPath,
} from '../../agent/config/config-migrations.ts';
import { rewriteInCurrentLayout } from '../../agent/config/config-rewrite.ts';

const fixture = (name: string) => readFile(new URL(`../fixtures/config/${name}`, import.meta.url), 'utf8');

describe('configuration migrations', () => {
  it('form an unbroken chain from version 1 to the current version', () => {
    assert.equal(CONFIG_VERSION, 2);
    const path = migrationPath(1);
    assert.ok(path);
    assert.deepEqual(
      path.map((m) => [m.from, m.to]),
      CONFIG_MIGRATIONS.map((m) => [m.from, m.to]),
    );
    assert.equal(path.at(-1)?.to, CONFIG_VERSION);
    assert.equal(migrationPath(0), null, 'no migration from a version that never existed');
  });

  it('move the version 1 driver sections under drivers, on plain objects', () => {
    const doc: Record<string, unknown> = {
      version: 1,
      gaSdk: { password: 'x' },
      rules: { lateIngestHours: 48 },
    };
    const result = migrate(doc.version, objectTarget(doc));
    assert.equal(result.fromVersion, 1);
    assert.deepEqual(doc, {
      version: 2,
      drivers: { gaSdk: { password: 'x' } },
      rules: { lateIngestHours: 48 },
    });
    assert.deepEqual(originalPath(['drivers', 'gaSdk', 'password'], result), ['gaSdk', 'password']);
    assert.deepEqual(originalPath(['rules', 'lateIngestHours'], result), ['rules', 'lateIngestHours']);
  });

  it('leave current and unknown versions alone', () => {
    for (const version of [2, 7, 'two', undefined]) {
      const doc: Record<string, unknown> = { version, gaSdk: {} };
      assert.equal(migrate(version, objectTarget(doc)).applied.length, 0);
      assert.ok('gaSdk' in doc);
    }
  });

  it('load a version 1 file, noting that it was migrated', async () => {
    const text = (await fixture('version-1.yaml')).replace('retries: many', 'retries: 3');
    const loaded = parseConfigText(text, 'v1.yaml');
    assert.equal(loaded.migratedFrom, 1);
    assert.equal(loaded.config.drivers.gaSdk?.libraryPath, '/opt/vendor/libZFY.so');
    assert.equal(loaded.config.drivers.serial?.retries, 3);
    assert.deepEqual(loaded.config.drivers.massStorage.folders, ['DCIM']);
    assert.equal(loaded.config.rules.lateIngestHours, 48);
    assert.match(loaded.notes[0] ?? '', /version 1 .*'dockctl config migrate v1\.yaml'/);
  });

  it('report problems of a version 1 file at the keys and lines the user wrote', async () => {
    try {
      parseConfigText(await fixture('version-1.yaml'), 'v1.yaml');
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.problems.map((p) => [p.path, p.line]),
        [['serial.retries', 9]],
      );
    }
  });

  it('refuse a version 1 file that also sets the new place of a key', () => {
    try {
      parseConfigText(
        'version: 1\ngaSdk: { libraryPath: /a.so, password: "1" }\ndrivers:\n  gaSdk: { libraryPath: /b.so, password: "2" }\n',
        't',
      );
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems[0]?.path, 'gaSdk');
      assert.equal(err.problems[0]?.line, 2);
      assert.match(err.problems[0]?.hint ?? '', /keep only drivers\.gaSdk/);
    }
  });

  it('rewrite a version 1 file in the current layout, keeping its comments', async () => {
    const rewritten = rewriteInCurrentLayout(await fixture('version-1.yaml'));
    assert.ok(rewritten);
    assert.equal(rewritten.migration.fromVersion, 1);
    const doc = parse(rewritten.text) as Record<string, Record<string, unknown>>;
    assert.equal(doc.version, 2);
    assert.deepEqual(Object.keys(doc.drivers ?? {}).sort(), ['gaSdk', 'massStorage', 'serial']);
    assert.equal(doc.gaSdk, undefined);
    assert.match(rewritten.text, /# The vendor's SDK\.\n\s+gaSdk:/);
    assert.equal(rewriteInCurrentLayout('a: [\n'), null);
  });
});
