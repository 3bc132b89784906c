import { spawn as nodeSpawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, open } from 'node:fs/promises';
import path from 'node:path';
import type { FootageKind, SpawnFn } from '../contract/ports.ts';
import { formatArgv, runCommand } from '../process/run-command.ts';
import { cached, cacheKey, simCacheDir } from './sim-cache.ts';

/** One file a simulated recorder holds. */
export interface ClipSpec {
  readonly kind?: FootageKind;
  /** When recording started, by the recorder's own clock. */
  readonly start: Date;
  /** Length in seconds (video and audio). Default 2. */
  readonly seconds?: number;
  readonly width?: number;
  readonly height?: number;
  /**
   * Grow an MP4 to about this many bytes with a top-level `free` box of incompressible bytes
   * (valid ISO BMFF; parsers skip it), so tests and the demo can copy gigabytes of real MP4s.
   */
  readonly padToBytes?: number;
}

const EXT: Record<FootageKind, string> = { video: '.MP4', photo: '.JPG', audio: '.WAV' };

/** The file extension a clip of this kind gets. */
export function clipExtension(kind: FootageKind): string {
  return EXT[kind];
}

function encodeArgs(spec: BaseSpec, out: string, codec: string): string[] {
  const video = [
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${spec.width}x${spec.height}:rate=10:duration=${spec.seconds}`,
  ];
  const audio = ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=8000:duration=${spec.seconds}`];
  const head = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  if (spec.kind === 'photo')
    return [...head, ...video, '-frames:v', '1', '-update', '1', '-f', 'image2', out];
  if (spec.kind === 'audio') return [...head, ...audio, '-c:a', 'pcm_s16le', '-f', 'wav', out];
  return [
    ...head,
    ...video,
    ...audio,
    '-c:v',
    codec,
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '16k',
    '-f',
    'mp4',
    out,
  ];
}

interface BaseSpec {
  readonly kind: FootageKind;
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
}

/** Encode the test pattern once per kind, length and size. */
async function baseClip(spec: BaseSpec, spawn: SpawnFn): Promise<string> {
  const key = cacheKey(['base', spec.kind, spec.seconds, spec.width, spec.height]);
  return cached(path.join(simCacheDir(), `base-${key}${EXT[spec.kind]}`), async (tmp) => {
    let res = await runCommand(spawn, 'ffmpeg', encodeArgs(spec, tmp, 'libx264'), { timeoutMs: 120_000 });
    // Debian's ffmpeg has libx264; a build without it still has the native MPEG-4 encoder.
    if (res.code !== 0 && spec.kind === 'video')
      res = await runCommand(spawn, 'ffmpeg', encodeArgs(spec, tmp, 'mpeg4'), { timeoutMs: 120_000 });
    if (res.code !== 0)
      throw new Error(
        `${formatArgv('ffmpeg', encodeArgs(spec, tmp, 'libx264'))} failed: ${res.stderr.trim()}`,
      );
  });
}

/**
 * Write a small real media file to `dest` with ffmpeg (test pattern, 440 Hz tone) carrying its
 * recording time in the container's creation_time (mvhd for MP4). The pattern is encoded once
 * per kind/length/size into the simulator cache; each recording time is a stream-copy remux of
 * it, so the suite never encodes the same clip twice and the cache does not grow with time.
 */
export async function makeClip(spec: ClipSpec, dest: string, spawn: SpawnFn = nodeSpawn): Promise<void> {
  const base: BaseSpec = {
    kind: spec.kind ?? 'video',
    seconds: spec.seconds ?? 2,
    width: spec.width ?? 160,
    height: spec.height ?? 120,
  };
  const source = await baseClip(base, spawn);
  if (base.kind === 'photo') {
    await copyFile(source, dest);
    return;
  }
  const format = base.kind === 'audio' ? 'wav' : 'mp4';
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-i',
    source,
    '-c',
    'copy',
    '-map_metadata',
    '-1',
  ];
  args.push('-metadata', `creation_time=${spec.start.toISOString()}`, '-f', format, dest);
  const res = await runCommand(spawn, 'ffmpeg', args, { timeoutMs: 60_000 });
  if (res.code !== 0) throw new Error(`${formatArgv('ffmpeg', args)} failed: ${res.stderr.trim()}`);
  if (base.kind === 'video' && spec.padToBytes)
    await appendFreeBox(dest, spec.padToBytes, `${path.resolve(dest)}\n${spec.start.toISOString()}`);
}

/**
 * Append a `free` box so the file reaches `targetBytes`. Its content is seeded by `seed` (the
 * file's path and recording time), so no two padded files are alike: the vault recognises
 * identical content, and copies of one file would not be copied again.
 */
async function appendFreeBox(file: string, targetBytes: number, seed: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const size = (await handle.stat()).size;
    const boxBytes = targetBytes - size;
    if (boxBytes < 16) return;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0); // size 1: a 64-bit size follows the type
    header.write('free', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(boxBytes), 8);
    await handle.write(header, 0, 16, size);
    const block = Buffer.allocUnsafe(1 << 20);
    let state = createHash('sha512').update(seed).digest();
    for (let i = 0; i < block.length; i += state.length) {
      state = createHash('sha512').update(state).digest();
      state.copy(block, i);
    }
    for (let pos = size + 16, n = 0; pos < targetBytes; n++) {
      block.writeUInt32LE(n, 0); // no two blocks alike
      const len = Math.min(block.length, targetBytes - pos);
      await handle.write(block, 0, len, pos);
      pos += len;
    }
  } finally {
    await handle.close();
  }
}
