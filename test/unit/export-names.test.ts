import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bagInfoText,
  manifestText,
  parseBagInfo,
  parseManifest,
  parseOxum,
} from '../../agent/export/bag-files.ts';
import { MAX_NAME_BYTES, safeClipFileName, safePathSegment } from '../../agent/export/safe-file-name.ts';

const ID = '0123456789abcdef0123456789abcdef';

describe('safe file names in export packages', () => {
  it('keeps the base name, prefixed with the clip id, and its extension', () => {
    assert.equal(safeClipFileName(ID, '/DCIM/100MEDIA/V0001.MP4', new Set()), '0123456789ab_V0001.MP4');
    assert.equal(safeClipFileName(ID, 'C:\\DCIM\\执法 录像.mp4', new Set()), '0123456789ab_执法_录像.mp4');
  });

  it('turns hostile names into harmless ones', () => {
    const cases: [string, RegExp][] = [
      ['../../etc/passwd', /^0123456789ab_passwd$/],
      ['/DCIM/..', /^0123456789ab$/],
      ['/DCIM/.bashrc', /^0123456789ab_bashrc$/],
      ['/a\nb\r\u0000c.MP4', /^0123456789ab_a_b_c\.MP4$/],
      ['/x\u202egpj.exe', /^0123456789ab_x_gpj\.exe$/],
      ['/\ud800lone.mp4', /^0123456789ab_lone\.mp4$/],
      ['/%2e%2e%2f.mp4', /^0123456789ab_2e_2e_2f\.mp4$/],
      ['/name.with a very long extension', /^0123456789ab_name\.with_a_very_long_extension$/],
    ];
    for (const [source, expected] of cases)
      assert.match(safeClipFileName(ID, source, new Set()), expected, source);
  });

  it('bounds the length in UTF-8 bytes without splitting a character', () => {
    const name = safeClipFileName(ID, `/${'案'.repeat(300)}.MP4`, new Set());
    assert.ok(Buffer.byteLength(name) <= MAX_NAME_BYTES);
    assert.match(name, /^0123456789ab_案+\.MP4$/);
    assert.ok(name.length > 40);
  });

  it('stays unique, case-insensitively, by falling back to the whole clip id', () => {
    const taken = new Set<string>();
    const a = safeClipFileName(ID, '/A/same.mp4', taken);
    const b = safeClipFileName(`${ID.slice(0, 12)}ffffffffffffffffffff`, '/B/SAME.mp4', taken);
    assert.equal(a, '0123456789ab_same.mp4');
    assert.equal(b, '0123456789abffffffffffffffffffff_SAME.mp4');
  });

  it('makes folder names of serials plain ASCII', () => {
    assert.equal(safePathSegment('ZFY0001'), 'ZFY0001');
    assert.equal(safePathSegment('../..'), 'unknown');
    assert.equal(safePathSegment('A/B\\C 记录仪'), 'A_B_C');
  });
});

describe('BagIt tag files', () => {
  it('round-trips manifests and bag-info, refusing unsafe manifest paths', () => {
    const text = manifestText([
      { path: 'data/b', sha256: 'b'.repeat(64) },
      { path: 'data/a', sha256: 'a'.repeat(64) },
    ]);
    assert.equal(text, `${'a'.repeat(64)}  data/a\n${'b'.repeat(64)}  data/b\n`);
    assert.deepEqual([...parseManifest(text).entries.keys()], ['data/a', 'data/b']);
    const bad = parseManifest(`${'c'.repeat(64)}  ../etc/passwd\n${'c'.repeat(64)}  /etc/x\nnonsense\n`);
    assert.equal(bad.entries.size, 0);
    assert.equal(bad.problems.length, 3);
    const info = parseBagInfo(
      bagInfoText([
        ['Case-Number', 'X\nInjected: 1'],
        ['Skip', null],
        ['__proto__', 'p'],
      ]),
    );
    assert.equal(info['Case-Number'], 'X Injected: 1');
    assert.equal(Object.keys(info).includes('Skip'), false);
    assert.equal(Object.getPrototypeOf(info), Object.prototype);
    assert.deepEqual(parseOxum('123.4'), { bytes: 123, files: 4 });
    assert.equal(parseOxum('12'), null);
  });
});
