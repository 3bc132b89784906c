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

  it('the page script (no build step) writes sizes exactly as the server does', () => {
    const script = readFileSync(new URL('../../agent/web/assets/app.js', import.meta.url), 'utf8');
    const source = /const formatBytes = (\(bytes\) => \{[\s\S]*?\n {2}\});/.exec(script)?.[1];
    assert.ok(source, 'app.js defines formatBytes');
    const inPage = new Function(`return ${source}`)() as (bytes: number | null) => string;
    const samples = [null, 0, 1, 1023, 1023.6, 1024, 1536, MIB - 1, 350 * MIB, 1.5 * GIB, 64e9, 2 ** 60];
    for (const bytes of samples) assert.equal(inPage(bytes), formatBytes(bytes), `${bytes} bytes`);
  });
});
