import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configValidator } from '../../agent/config/config-schema.ts';
import {
  configKeyRows,
  keyTableMarkdown,
  README_MARKERS,
  withKeyTable,
} from '../../agent/config/key-table.ts';

const readmeUrl = new URL('../../README.md', import.meta.url);

describe('configuration key table', () => {
  const rows = configKeyRows(configValidator().schemas);

  it('lists the keys of every section, with defaults from the schema', () => {
    const keys = rows.map((r) => r.key);
    for (const key of [
      'version',
      'paths.stateDir',
      'paths.mountDir',
      'ingest.bufferBytes',
      'drivers.fingerprints',
      'drivers.gaSdk.libraryPath',
      'drivers.serial.password',
      'drivers.massStorage.fsOptions',
      'rules.wipePolicy',
      'rules.timezone',
      'ledger.checkpointEveryEvents',
      'forwarder.target',
      'web.listen',
      'health.listen',
      'log.level',
    ])
      assert.ok(keys.includes(key), `${key} is in the table`);
    const row = (key: string) => rows.find((r) => r.key === key);
    assert.equal(row('rules.lateIngestHours')?.default, '24');
    assert.equal(row('rules.wipePolicy')?.type, 'never | after-seal | after-forward-ack');
    assert.equal(row('ingest.bufferBytes')?.type, 'size');
    assert.equal(row('drivers.fingerprints')?.type, 'see schemas/fingerprints.schema.json');
    assert.ok(
      rows.every((r) => r.description !== ''),
      'every key is described',
    );
  });

  it('escapes pipes inside cells so the markdown table keeps its columns', () => {
    const line = keyTableMarkdown(rows)
      .split('\n')
      .find((l) => l.startsWith('| `rules.wipePolicy`'));
    assert.ok(line);
    assert.equal(line.replace(/\\\|/g, '').split('|').length, 6);
  });

  it('is what the README shows (regenerate: dockctl config keys --update-readme README.md)', async () => {
    const readme = await readFile(readmeUrl, 'utf8');
    assert.equal(
      withKeyTable(readme, keyTableMarkdown(rows)),
      readme,
      'the README configuration table is out of date',
    );
  });

  it('replaces only the text between the markers', () => {
    const text = `before\n${README_MARKERS.start}\nold\n${README_MARKERS.end}\nafter\n`;
    assert.equal(
      withKeyTable(text, 'new\n'),
      `before\n${README_MARKERS.start}\nnew\n${README_MARKERS.end}\nafter\n`,
    );
    assert.throws(() => withKeyTable('no markers', 'x'), /markers/);
  });
});
