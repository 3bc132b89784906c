import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { silentLogger } from '../../agent/ops/logger.ts';
import { SourceGoneError, SourceReadError } from '../../drivers/contract/errors.ts';
import type { DetectedDevice, DeviceEvent, RecorderVolume } from '../../drivers/contract/ports.ts';
import type { SourceSpec } from '../../drivers/contract/source.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { FileChangedError } from '../../drivers/errors.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';
import { SimBus, simDriverFactory } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { openSimSource } from '../../drivers/sim/sim-source.ts';

const log = silentLogger();
const now = () => new Date();

async function ffprobeCreationTime(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format_tags=creation_time',
    '-of',
    'default=nw=1:nk=1',
    file,
  ]);
  return stdout.trim();
}

async function readAll(spec: SourceSpec): Promise<number> {
  const src = await openSimSource(spec);
  const buf = new Uint8Array(4096);
  let pos = 0;
  try {
    for (let n = await src.read(buf, 0, buf.length, pos); n > 0; n = await src.read(buf, 0, buf.length, pos))
      pos += n;
  } finally {
    await src.close();
  }
  return pos;
}

describe('simulated recorder', () => {
  const bus = new SimBus();
  const watcher = new RecorderWatcher({ sources: [bus.source], fingerprints: FingerprintTable.load(), log });
  const events: DeviceEvent[] = [];
  const factory = simDriverFactory(bus, { log, now });
  const sims: SimRecorder[] = [];

  before(async () => {
    watcher.onEvent((e) => events.push(e));
    await watcher.start();
  });
  after(async () => {
    for (const s of sims) await s.close();
    await watcher.stop();
  });

  const create = async (opts: Omit<Parameters<typeof SimRecorder.create>[0], 'bus'>) => {
    const sim = await SimRecorder.create({ ...opts, bus });
    sims.push(sim);
    return sim;
  };
  const arrivalOf = (sim: SimRecorder) =>
    new Promise<DetectedDevice>((resolve) => {
      const off = watcher.onEvent((e) => {
        if (e.type === 'arrival' && e.device.portPath === `9-${sim.port}`) {
          off();
          resolve(e.device);
        }
      });
    });

  it('plays a GA recorder: identity over the SDK, SetMSDC, the disk tied back, real MP4s with their recording times', async () => {
    const skew = -10 * 60_000;
    const sim = await create({ kind: 'ga-sdk', clockSkewMs: skew, battery: 93 });
    const arrived = arrivalOf(sim);
    await sim.plug();
    const dev = await arrived;
    assert.equal(dev.match?.driver, 'ga-sdk');
    const drv = await factory.openControl(dev);
    assert.equal((await drv.identify()).officerName, '张三');
    assert.equal(await drv.battery?.(), 93);
    const claim = watcher.claimNextDisk(dev, 3000);
    await drv.enterMassStorage?.();
    const disk = await claim;
    assert.equal(disk.claimedBy, dev.key);
    const msc = await factory.openVolume(disk);
    const listing = await msc.listFiles();
    assert.equal(listing.files.length, 3);
    for (const [i, clip] of sim.clips.entries()) {
      const file = listing.files[i];
      assert.equal(file?.relPath, clip.relPath);
      assert.match(clip.relPath, /^DCIM\/100MEDIA\/\d{8}_\d{6}_000\d\.MP4$/);
      assert.ok(
        Math.abs((file?.mtimeMs ?? 0) - clip.end.getTime()) < 1,
        'the mtime is the end of recording by the device clock',
      );
      const created = await ffprobeCreationTime(path.join(sim.volumeDir, clip.relPath));
      assert.equal(new Date(created).getTime(), clip.start.getTime());
    }
    assert.ok(Math.abs(sim.deviceNow().getTime() - Date.now() - skew) < 1000);
    await msc.release();
  });

  it('hands out a faulty source for an injected read error at byte N', async () => {
    const sim = await create({ kind: 'mass-storage' });
    const arrived = arrivalOf(sim);
    await sim.plug();
    const msc = await factory.openVolume(await arrived);
    const [first, second] = (await msc.listFiles()).files;
    assert.ok(first && second);
    sim.injectReadError(first.relPath, 5000, 'EIO');
    const spec = await msc.openFile(first.relPath);
    assert.deepEqual(spec, {
      path: path.join(sim.volumeDir, first.relPath),
      shaping: { failAtByte: 5000, errorCode: 'EIO' },
    });
    await assert.rejects(readAll(spec), (e: unknown) => e instanceof SourceReadError && e.position === 5000);
    assert.equal(await readAll(await msc.openFile(second.relPath)), second.size, 'other files read whole');
    await msc.release();
  });

  it('disappears mid-copy: the read fails and the recorder departs', async () => {
    const sim = await create({ kind: 'mass-storage' });
    const arrived = arrivalOf(sim);
    await sim.plug();
    const dev = await arrived;
    const msc: RecorderVolume = await factory.openVolume(dev);
    const [file] = (await msc.listFiles()).files;
    assert.ok(file);
    sim.injectVanish(file.relPath, 1024);
    const departed = new Promise<void>((resolve) => {
      const off = watcher.onEvent((e) => {
        if (e.type === 'departure' && e.device.key === dev.key) {
          off();
          resolve();
        }
      });
    });
    const spec = await msc.openFile(file.relPath);
    await assert.rejects(
      readAll(spec),
      (e: unknown) => e instanceof SourceGoneError && /ENODEV/.test(e.message),
    );
    await departed;
    await msc.release({ deviceGone: true });
    assert.ok(bus.mounter.calls.includes(`unmount ${sim.devNode} lazy`));
  });

  it('reports a full card, and deletes one file only while it is unchanged', async () => {
    const sim = await create({ kind: 'mass-storage', storage: 'full' });
    const arrived = arrivalOf(sim);
    await sim.plug();
    const msc = await factory.openVolume(await arrived);
    assert.equal((await msc.storage())?.freeBytes, 0);
    const [a, b] = (await msc.listFiles()).files;
    assert.ok(a && b);
    await writeFile(path.join(sim.volumeDir, b.relPath), 'changed after the seal');
    await assert.rejects(msc.deleteFile(b.relPath, b), (err: unknown) => {
      assert.ok(err instanceof FileChangedError, String(err));
      assert.ok(err.message.includes(JSON.stringify(b.relPath)), err.message);
      assert.match(err.message, new RegExp(`size ${b.size} bytes at the seal, 22 now`));
      return true;
    });
    await msc.deleteFile(a.relPath, a);
    await assert.rejects(stat(path.join(sim.volumeDir, a.relPath)), /ENOENT/);
    assert.ok(await stat(path.join(sim.volumeDir, b.relPath)));
    await msc.release();
  });
});
