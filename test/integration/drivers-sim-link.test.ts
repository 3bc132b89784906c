import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { linkReadMs, sleepOnPoolThread } from '../../drivers/sim/link-pacer.ts';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { openSimSource, simSourceSpec } from '../../drivers/sim/sim-source.ts';

let dir: string;
let file: string;
const SIZE = 2 * 1024 * 1024;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim-link-'));
  file = path.join(dir, 'clip.mp4');
  await writeFile(file, randomBytes(SIZE));
});
after(() => rm(dir, { recursive: true, force: true }));

async function readAll(spec: ReturnType<typeof simSourceSpec>): Promise<{ ms: number; bytes: number }> {
  const source = await openSimSource(spec);
  const buffer = Buffer.alloc(256 * 1024);
  const t0 = performance.now();
  let pos = 0;
  for (let n = 1; n > 0; pos += n) n = await source.read(buffer, 0, buffer.length, pos);
  await source.close();
  return { ms: performance.now() - t0, bytes: pos };
}

describe('a simulated USB link', () => {
  it('delivers a file at its speed, not at the disk’s', async () => {
    const link = { bytesPerSecond: 8e6, jitter: 0.05 };
    await sleepOnPoolThread(1); // load koffi before timing
    const { ms, bytes } = await readAll(simSourceSpec(file, null, null, link));
    assert.equal(bytes, SIZE);
    const expected = (SIZE / 8e6) * 1000; // 262 ms
    assert.ok(ms >= expected * 0.9, `${ms.toFixed(0)} ms, expected about ${expected.toFixed(0)} ms`);
    // Generous above: a loaded machine stretches every read; what matters is the pace is not the disk's.
    assert.ok(ms < expected * 4, `${ms.toFixed(0)} ms, expected about ${expected.toFixed(0)} ms`);
    const unpaced = await readAll(simSourceSpec(file, null));
    assert.ok(unpaced.ms < expected / 2, `without a link: ${unpaced.ms.toFixed(0)} ms`);
  });

  it('varies each read by at most the jitter', () => {
    const link = { bytesPerSecond: 1e6, jitter: 0.1 };
    assert.equal(
      linkReadMs(link, 1e6, () => 0),
      900,
    );
    assert.equal(
      linkReadMs(link, 1e6, () => 1),
      1100,
    );
    assert.equal(linkReadMs({ ...link, jitter: 0 }, 5e5, Math.random), 500);
  });

  it('refuses a speed that is not a positive number', async () => {
    await assert.rejects(
      openSimSource({ path: file, shaping: { bytesPerSecond: 0 } }),
      /bytesPerSecond must be a number of bytes > 0/,
    );
  });

  it('is set on a SimRecorder next to its read faults and carried in every file’s spec', async () => {
    const sim = await SimRecorder.create({ kind: 'mass-storage', bus: new SimBus(), clips: [] });
    try {
      sim.setLinkSpeed(37e6, 0.05);
      sim.injectReadError('DCIM/a.MP4', 10);
      assert.deepEqual(sim.sourceFor('/v/DCIM/b.MP4', 'DCIM/b.MP4').shaping, {
        bytesPerSecond: 37e6,
        linkJitter: 0.05,
      });
      assert.deepEqual(sim.sourceFor('/v/DCIM/a.MP4', 'DCIM/a.MP4').shaping, {
        failAtByte: 10,
        errorCode: 'EIO',
        bytesPerSecond: 37e6,
        linkJitter: 0.05,
      });
      sim.setLinkSpeed(null);
      assert.equal(sim.sourceFor('/v/DCIM/b.MP4', 'DCIM/b.MP4').shaping, undefined);
    } finally {
      await sim.close();
    }
  });
});
