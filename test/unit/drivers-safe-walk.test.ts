import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsafeEntryError } from '../../drivers/errors.ts';
import { FootageTypes } from '../../drivers/mass-storage/footage-types.ts';
import { checkNameBytes, splitRelativePath } from '../../drivers/mass-storage/safe-names.ts';
import { resolveInside } from '../../drivers/mass-storage/safe-path.ts';
import { walkVolume } from '../../drivers/mass-storage/safe-walk.ts';
import type { EntryStat, EntryType, RawDirEntry, WalkFs } from '../../drivers/mass-storage/walk-fs.ts';

type Node = { type: EntryType; size?: number; children?: Map<string, { raw: Buffer; node: Node }> };

/** An in-memory volume that can hold names no real file system would (`a/b`, `..`). */
class FakeVolume implements WalkFs {
  readonly root: Node = { type: 'dir', children: new Map() };
  readonly opened: string[] = [];

  add(parts: (string | Buffer)[], node: Node): void {
    let dir = this.root;
    for (const [i, part] of parts.entries()) {
      const raw = Buffer.isBuffer(part) ? part : Buffer.from(part);
      const key = raw.toString('latin1');
      const last = i === parts.length - 1;
      let child = dir.children?.get(key);
      if (!child) {
        child = { raw, node: last ? node : { type: 'dir', children: new Map() } };
        dir.children?.set(key, child);
      }
      dir = child.node;
    }
  }

  file(path: string, size = 100): void {
    this.add(path.split('/'), { type: 'file', size });
  }

  private find(abs: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of abs.split('/').filter((p) => p && p !== 'vol')) {
      node = node?.children?.get(Buffer.from(part).toString('latin1'))?.node;
    }
    return node;
  }

  async readdir(abs: string, max: number): Promise<RawDirEntry[]> {
    this.opened.push(abs);
    const node = this.find(abs);
    if (node?.type !== 'dir') throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
    return [...(node.children?.values() ?? [])]
      .slice(0, max)
      .map((c) => ({ name: c.raw, type: c.node.type }));
  }

  async lstat(abs: string): Promise<EntryStat> {
    const node = this.find(abs);
    if (!node) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return { type: node.type, size: node.size ?? 0, mtimeMs: 1_700_000_000_000 };
  }
}

const reasons = (skipped: readonly { relPath: string; reason: string }[]) =>
  Object.fromEntries(skipped.map((s) => [s.relPath, s.reason]));

describe('safe walk', () => {
  it('lists footage case-insensitively and reports every skipped entry with its reason', async () => {
    const vol = new FakeVolume();
    vol.file('DCIM/100MEDIA/20261121_083000_0001.MP4', 1234);
    vol.file('dcim/101media/20261121_090000_0002.mov');
    vol.file('DCIM/100MEDIA/IMG_0003.JPG');
    vol.file('DCIM/100MEDIA/notes.txt');
    vol.file('System Volume Information/IndexerVolumeGuid');
    vol.add(['DCIM', '100MEDIA', 'LINK.MP4'], { type: 'symlink' });
    vol.add(['DCIM', '100MEDIA', 'PIPE.MP4'], { type: 'fifo' });
    vol.add(['DCIM', '100MEDIA', 'SOCK.MP4'], { type: 'socket' });
    vol.add(['DCIM', '100MEDIA', 'NULL.MP4'], { type: 'device' });
    const listing = await walkVolume('/vol', { fs: vol });
    assert.deepEqual(
      listing.files.map((f) => `${f.relPath} ${f.kind}`),
      [
        'DCIM/100MEDIA/20261121_083000_0001.MP4 video',
        'DCIM/100MEDIA/IMG_0003.JPG photo',
        'dcim/101media/20261121_090000_0002.mov video',
      ],
    );
    assert.equal(listing.files[0]?.size, 1234);
    assert.deepEqual(reasons(listing.skipped), {
      'DCIM/100MEDIA/notes.txt': 'not-footage',
      'System Volume Information': 'system-folder',
      'DCIM/100MEDIA/LINK.MP4': 'symlink',
      'DCIM/100MEDIA/PIPE.MP4': 'fifo',
      'DCIM/100MEDIA/SOCK.MP4': 'socket',
      'DCIM/100MEDIA/NULL.MP4': 'device-node',
    });
    assert.equal(listing.truncated, false);
  });

  it('refuses names with /, .., control characters, bidi overrides, bad UTF-8 and over-long components', async () => {
    const vol = new FakeVolume();
    const names: (string | Buffer)[] = [
      'a/b.MP4',
      '..',
      '.',
      'bell\u0007.MP4',
      'x\u202e4PM.exe',
      Buffer.from([0x41, 0xff, 0x2e, 0x4d, 0x50, 0x34]),
      `${'x'.repeat(60)}.MP4`,
    ];
    for (const n of names) vol.add(['DCIM', n], { type: 'file', size: 1 });
    const listing = await walkVolume('/vol', { fs: vol, limits: { maxNameBytes: 40 } });
    assert.equal(listing.files.length, 0);
    const got = listing.skipped.map((s) => s.reason).sort();
    assert.deepEqual(got, [
      'bad-encoding',
      'name-too-long',
      'unsafe-name',
      'unsafe-name',
      'unsafe-name',
      'unsafe-name',
      'unsafe-name',
    ]);
    assert.ok(
      listing.skipped.some((s) => s.relPath === 'DCIM/bell\\u0007.MP4'),
      'control characters are shown escaped',
    );
    assert.ok(
      !vol.opened.some((p) => p.includes('..') || p.includes('a/b')),
      'nothing was opened through an unsafe name',
    );
  });

  it('bounds depth and the number of entries', async () => {
    const vol = new FakeVolume();
    vol.file('A/B/C/D/deep.MP4');
    vol.file('A/shallow.MP4');
    const deep = await walkVolume('/vol', { fs: vol, limits: { maxDepth: 3 } });
    assert.deepEqual(
      deep.files.map((f) => f.relPath),
      ['A/shallow.MP4'],
    );
    assert.deepEqual(reasons(deep.skipped), { 'A/B/C/D': 'too-deep' });

    const many = new FakeVolume();
    for (let i = 0; i < 50; i++) many.file(`DCIM/${String(i).padStart(4, '0')}.MP4`);
    const capped = await walkVolume('/vol', { fs: many, limits: { maxEntries: 20 } });
    assert.equal(capped.truncated, true);
    assert.ok(capped.files.length < 20);
    assert.ok(capped.skipped.some((s) => s.reason === 'entry-limit'));
  });

  it('walks only the configured top-level folders, case-insensitively, with configurable extensions', async () => {
    const vol = new FakeVolume();
    vol.file('dcim/100MEDIA/a.MP4');
    vol.file('Record/b.DAV');
    vol.file('Other/c.MP4');
    const listing = await walkVolume('/vol', {
      fs: vol,
      folders: ['DCIM', 'RECORD'],
      footage: new FootageTypes({ dav: 'video' }),
    });
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      ['Record/b.DAV', 'dcim/100MEDIA/a.MP4'],
    );
    assert.deepEqual(reasons(listing.skipped), { Other: 'not-footage' });
    assert.equal(new FootageTypes({ wav: 'audio' }, true).kindOf('x.MP4'), null);
  });

  it('fails loudly when the root itself cannot be listed (an empty listing would be a lie)', async () => {
    const vol = new FakeVolume();
    await assert.rejects(walkVolume('/vol/missing', { fs: vol }), /ENOTDIR/);
  });
});

describe('relative paths handed to openFile/deleteFile', () => {
  it('splits safe paths and refuses escapes', () => {
    assert.deepEqual(splitRelativePath('DCIM/100MEDIA/a.MP4'), {
      ok: true,
      parts: ['DCIM', '100MEDIA', 'a.MP4'],
    });
    for (const bad of [
      '/etc/passwd',
      'DCIM/../../etc/passwd',
      'DCIM//a.MP4',
      'DCIM/./a.MP4',
      'a\u0000b',
      '',
    ]) {
      assert.equal(splitRelativePath(bad).ok, false, bad);
    }
    assert.equal(checkNameBytes(Buffer.from('张三_0001.MP4')).ok, true);
  });

  it('resolves only through real directories to a regular file', async () => {
    const vol = new FakeVolume();
    vol.file('DCIM/100MEDIA/a.MP4');
    vol.add(['DCIM', 'LINKDIR'], { type: 'symlink' });
    vol.add(['DCIM', '100MEDIA', 'l.MP4'], { type: 'symlink' });
    const ok = await resolveInside('/vol', 'DCIM/100MEDIA/a.MP4', { fs: vol });
    assert.equal(ok.abs, '/vol/DCIM/100MEDIA/a.MP4');
    await assert.rejects(
      resolveInside('/vol', 'DCIM/LINKDIR/a.MP4', { fs: vol }),
      (e: unknown) => e instanceof UnsafeEntryError && /parent is a symlink/.test(e.message),
    );
    await assert.rejects(resolveInside('/vol', 'DCIM/100MEDIA/l.MP4', { fs: vol }), UnsafeEntryError);
    await assert.rejects(resolveInside('/vol', '../vol/DCIM/100MEDIA/a.MP4', { fs: vol }), UnsafeEntryError);
    await assert.rejects(resolveInside('/vol', 'DCIM/100MEDIA/missing.MP4', { fs: vol }), /not found/);
  });
});
