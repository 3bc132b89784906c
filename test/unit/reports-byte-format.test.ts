import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatBytes } from '../../agent/reports/byte-format.ts';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

describe('formatBytes: the one way the page, dockctl and the reports write sizes', () => {
  it('uses binary units with one decimal, and never shows 1024.0 of a unit', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1023.96), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(MIB - 1), '1.0 MiB');
    assert.equal(formatBytes(350 * MIB + 200 * KIB), '350.2 MiB');
    assert.equal(formatBytes(64e9), '59.6 GiB');
    assert.equal(formatBytes(5 * 1024 * GIB), '5.0 TiB');
    assert.equal(formatBytes(2 ** 60), '1048576.0 TiB', 'TiB is the largest unit');
  });

  it('starts at MiB when asked (the reports count in MiB and GiB)', () => {
    assert.equal(formatBytes(0, 'MiB'), '0.0 MiB');
    assert.equal(formatBytes(512, 'MiB'), '0.0 MiB');
    assert.equal(formatBytes(GIB - KIB, 'MiB'), '1.0 GiB');
  });

  it('writes nothing for a size that is not known', () => {
    assert.equal(formatBytes(null), '');
    assert.equal(formatBytes(undefined), '');
    assert.equal(formatBytes(Number.NaN), '');
  });

  it('the page script writes no sizes of its own: the server sends each row in words', () => {
    const script = readFileSync(new URL('../../agent/web/assets/app.js', import.meta.url), 'utf8');
    assert.doesNotMatch(
      script,
      /formatBytes|GiB|MiB/,
      'sizes come from the server, formatted by formatBytes',
    );
    assert.match(script, /r\.storageText/);
  });
});
