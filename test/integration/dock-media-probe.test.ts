import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { IsolatedMediaProbe } from '../../agent/dock/media-probe.ts';
import { readRecordingTimes } from '../../agent/dock/recording-times.ts';

/** A hostile MP4 of issue 12: a real file whose `stsz` box claims 0xFFFFFF05 samples. */
export function hostileStsz(mp4: Buffer): Buffer {
  const out = Buffer.from(mp4);
  const at = out.indexOf('stsz');
  assert.ok(at > 0, 'the MP4 has an stsz box');
  out.writeUInt32BE(0, at + 8); // sample_size 0: every sample has its own size entry …
  out.writeUInt32BE(0xffffff05, at + 12); // … and there are this many of them
  return out;
}

describe('the isolated media probe', () => {
  let dir: string;
  let good: string;
  const probe = new IsolatedMediaProbe({ timeoutMs: 5000 });
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'media-probe-'));
    good = path.join(dir, '20261201_080000_0001.MP4');
    await promisify(execFile)('ffmpeg', [
      ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5', '-t', '3'],
      ...['-c:v', 'libx264', '-metadata', 'creation_time=2026-12-01T00:00:00Z', good],
    ]);
  });
  after(async () => {
    await probe.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the movie header of a real MP4', async () => {
    const movie = await probe.probe(good);
    assert.deepEqual(movie, { ok: true, created: new Date('2026-12-01T00:00:00Z'), durationMs: 3000 });
  });

  it('survives a hostile stsz box, stays small, and goes on reading the next file', async () => {
    const hostile = path.join(dir, 'hostile.MP4');
    await writeFile(hostile, hostileStsz(await readFile(good)));
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await probe.probe(hostile), { ok: false, reason: 'unparseable' });
    assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20, 'the daemon did not bloat');
    assert.equal((await probe.probe(good)).ok, true, 'a fresh worker reads the next file');
  });

  it('tells a clip cut short (no moov) from one that is not an MP4', async () => {
    const data = await readFile(good);
    const cut = path.join(dir, '20261201_080500_0002.MP4');
    await writeFile(cut, data.subarray(0, data.indexOf('moov') - 4));
    assert.deepEqual(await probe.probe(cut), { ok: false, reason: 'no-moov' });
    const text = path.join(dir, 'notes.MP4');
    await writeFile(text, 'not a movie at all');
    assert.deepEqual(await probe.probe(text), { ok: false, reason: 'not-mp4' });
    const times = await readRecordingTimes(probe, cut, 'DCIM/20261201_080500_0002.MP4', 0, 480);
    assert.equal(times.damaged, 'no-moov');
    assert.equal(times.source, 'filename');
    assert.equal(times.start?.toISOString(), '2026-12-01T00:05:00.000Z');
  });
});
