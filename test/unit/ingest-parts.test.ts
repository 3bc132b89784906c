import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDockError } from '../../agent/errors.ts';
import { publishNoReplace, writeFileDurable } from '../../agent/fs/durable-write.ts';
import { ChecksumMismatchError, DestinationFullError, fromWire, toWire } from '../../agent/ingest/errors.ts';
import { readResumeState, sameSource, writeResumeState } from '../../agent/ingest/resume-state.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { SourceGoneError, SourceReadError } from '../../drivers/contract/errors.ts';

let dir: string;
before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dock-parts-'));
});
after(() => fsp.rm(dir, { recursive: true, force: true }));

describe('durable writes', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileDurable(file, 'one');
    await writeFileDurable(file, 'two');
    assert.equal(await fsp.readFile(file, 'utf8'), 'two');
    assert.deepEqual(
      (await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });

  it('never publishes over an existing file', async () => {
    const staged = path.join(dir, 'staged');
    const target = path.join(dir, 'pub', 'target');
    await fsp.writeFile(staged, 'new');
    await fsp.mkdir(path.dirname(target));
    await fsp.writeFile(target, 'old');
    assert.equal(await publishNoReplace(staged, target), false);
    assert.equal(await fsp.readFile(target, 'utf8'), 'old');
    assert.equal(await fsp.readFile(staged, 'utf8'), 'new');
    await fsp.rm(target);
    assert.equal(await publishNoReplace(staged, target), true);
    assert.equal(await fsp.readFile(target, 'utf8'), 'new');
    await assert.rejects(fsp.stat(staged), { code: 'ENOENT' });
  });
});

describe('resume state', () => {
  it('round-trips and matches only the same source', async () => {
    const statePath = path.join(dir, 'r.state.json');
    const state = {
      version: 1 as const,
      resumeKey: 'SN1:/DCIM/a.mp4',
      sourcePath: '/mnt/a.mp4',
      sourceSize: 10,
      sourceMtimeMs: 1000,
      offset: 4,
      prefixDigests: [{ offset: 4, sha256: 'ab'.repeat(32) }],
      updatedAt: new Date(0).toISOString(),
    };
    await writeResumeState(statePath, state);
    const read = await readResumeState(statePath);
    assert.deepEqual(read, state);
    assert.equal(sameSource(state, 'SN1:/DCIM/a.mp4', 10, 1000), true);
    assert.equal(sameSource(state, 'SN1:/DCIM/a.mp4', 11, 1000), false);
    assert.equal(sameSource(state, 'SN2:/DCIM/a.mp4', 10, 1000), false);
    assert.equal(sameSource(state, 'SN1:/DCIM/a.mp4', 10, 3000), false);
  });

  it('is null when absent and an error when corrupt, never a silent fresh start', async () => {
    assert.equal(await readResumeState(path.join(dir, 'none.json')), null);
    const bad = path.join(dir, 'bad.state.json');
    await fsp.writeFile(bad, '{"version":9}');
    await assert.rejects(readResumeState(bad), /not a version 1 state/);
  });
});

describe('errors across the worker boundary', () => {
  it('keep their type, code, position and message', () => {
    const gone = new SourceGoneError('/mnt/a.mp4', 4096, Object.assign(new Error('x'), { code: 'ENODEV' }));
    const back = fromWire(toWire(gone, '/mnt/a.mp4'));
    assert.ok(back instanceof SourceGoneError);
    assert.equal(back.position, 4096);
    assert.match(back.message, /\/mnt\/a\.mp4.*byte 4096 \(ENODEV\).*dock it again/);
    const bad = new SourceReadError('/mnt/c.mp4', 8192, Object.assign(new Error('x'), { code: 'EIO' }));
    const badBack = fromWire(toWire(bad, '/mnt/c.mp4'));
    assert.ok(badBack instanceof SourceReadError, 'a bad sector stays a read error, not a yank');
    assert.equal(badBack.position, 8192);
    assert.match(badBack.message, /\/mnt\/c\.mp4.*byte 8192 \(EIO\).*report a fault/);
    const full = fromWire(toWire(Object.assign(new Error('no space'), { code: 'ENOSPC' }), '/mnt/b.mp4'));
    assert.ok(full instanceof DestinationFullError);
    assert.ok(isDockError(full, 'DESTINATION_FULL'));
  });

  it('a checksum mismatch names both digests and the quarantine', () => {
    const err = new ChecksumMismatchError('/mnt/a.mp4', 'aa', 'bb', '/v/.quarantine/x');
    assert.match(err.message, /expected sha256 aa, read back bb.*quarantined at \/v\/\.quarantine\/x/);
  });
});

describe('vault layout', () => {
  const layout = new VaultLayout(pathsUnder('/srv/dock'));
  it('derives the sealed path from the digest only', () => {
    const digest = `ab${'0'.repeat(62)}`;
    assert.equal(layout.sealedPath(digest), `/srv/dock/vault/sha256/ab/${digest}`);
    assert.throws(() => layout.sealedPath('../../etc/passwd'), /not a sha256 hex digest/);
  });

  it('keeps staging names stable per resume key and free of the key text', () => {
    const a = layout.stagingFor('SN1:/DCIM/../x.mp4');
    assert.deepEqual(layout.stagingFor('SN1:/DCIM/../x.mp4'), a);
    assert.notDeepEqual(layout.stagingFor('SN2:/DCIM/x.mp4'), a);
    assert.match(path.basename(a.stagedPath), /^[0-9a-f]{32}\.part$/);
    assert.equal(path.dirname(a.stagedPath), '/srv/dock/vault/.staging');
  });
});
