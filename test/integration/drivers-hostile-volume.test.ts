import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { RecorderVolume } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { UnsafeEntryError } from '../../drivers/errors.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';
import { openFileSource } from '../../drivers/mass-storage/file-source.ts';
import { SimBus, simDriverFactory } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';

const OLD = new Date('2001-01-01T00:00:00Z');

/** atime in ms; a read moves it (the stamp is far older than relatime's 24 h). */
const atime = async (p: string) => (await stat(p)).atimeMs;

async function readWhole(drv: RecorderVolume, relPath: string): Promise<number> {
  const src = await openFileSource(await drv.openFile(relPath));
  const buf = new Uint8Array(65536);
  let pos = 0;
  try {
    for (let n = await src.read(buf, 0, buf.length, pos); n > 0; n = await src.read(buf, 0, buf.length, pos))
      pos += n;
  } finally {
    await src.close();
  }
  return pos;
}

describe('hostile volume (real directory)', () => {
  let outside: string;
  let secret: string;
  let canary: string;
  let sim: SimRecorder;
  let drv: RecorderVolume;
  const bus = new SimBus();
  const watcher = new RecorderWatcher({
    sources: [bus.source],
    fingerprints: FingerprintTable.load(),
    log: silentLogger(),
  });

  before(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'drivers-outside-'));
    secret = path.join(outside, 'secret.MP4');
    canary = path.join(outside, 'canary.txt');
    await writeFile(secret, 'SECRET: must never be read through the recorder');
    await writeFile(canary, 'control');
    await mkdir(path.join(outside, 'sub'));
    await writeFile(path.join(outside, 'sub', 'other.MP4'), 'also secret');
    await watcher.start();
    sim = await SimRecorder.create({ kind: 'mass-storage', bus, hostile: { file: secret, dir: outside } });
    await sim.plug();
    const dev = watcher.devices()[0];
    assert.ok(dev);
    drv = await simDriverFactory(bus, { log: silentLogger(), now: () => new Date() }).openVolume(dev);
    for (const p of [
      secret,
      canary,
      outside,
      path.join(outside, 'sub'),
      path.join(outside, 'sub', 'other.MP4'),
    ])
      await utimes(p, OLD, new Date());
  });
  after(async () => {
    await drv.release();
    await sim.close();
    await watcher.stop();
    await rm(outside, { recursive: true, force: true });
  });

  it('lists only the real clips and reports every planted entry with its reason', async () => {
    const listing = await drv.listFiles();
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      sim.clips.map((c) => c.relPath),
    );
    const skipped = new Map(listing.skipped.map((s) => [s.relPath, s.reason]));
    assert.ok(sim.hostile && sim.hostile.entries.length >= 10);
    for (const entry of sim.hostile?.entries ?? [])
      assert.equal(skipped.get(entry.shown), entry.reason, entry.shown);
    if (process.getuid?.() === 0)
      assert.ok(
        sim.hostile?.entries.some((e) => e.reason === 'device-node'),
        'root plants a device node',
      );
  });

  it('refuses to open or delete anything through links or escaping paths', async () => {
    const attempts = [
      'DCIM/100MEDIA/LINK_0901.MP4',
      'DCIM/100MEDIA/DOTDOT_0902.MP4',
      'DCIM/ESCAPE/secret.MP4',
      'DCIM/100MEDIA/UP/../secret.MP4',
      '../secret.MP4',
      `/${path.relative('/', secret)}`,
      'DCIM/100MEDIA/PIPE_0904.MP4',
      'DCIM/100MEDIA/SOCK_0905.MP4',
    ];
    for (const rel of attempts) {
      await assert.rejects(drv.openFile(rel), UnsafeEntryError, rel);
      await assert.rejects(drv.deleteFile(rel, { size: 0, mtimeMs: 0 }), UnsafeEntryError, rel);
    }
  });

  it('reads every listed clip whole, and nothing outside the volume is read', async () => {
    const listing = await drv.listFiles();
    for (const f of listing.files) assert.equal(await readWhole(drv, f.relPath), f.size);
    assert.equal(await atime(secret), OLD.getTime(), 'the secret behind the links was not read');
    assert.equal(await atime(path.join(outside, 'sub', 'other.MP4')), OLD.getTime());
    assert.equal(await atime(path.join(outside, 'sub')), OLD.getTime(), 'the outside folder was not listed');
    assert.equal(await atime(outside), OLD.getTime());
    assert.equal(await readFile(secret, 'utf8'), 'SECRET: must never be read through the recorder');
    // Control: the probe can fail. Reading the canary moves its atime on this file system.
    await readFile(canary);
    assert.notEqual(
      await atime(canary),
      OLD.getTime(),
      'atime must be tracked here for this test to mean anything',
    );
  });
});
