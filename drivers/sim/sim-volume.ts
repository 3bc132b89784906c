import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { FootageKind, SpawnFn } from '../contract/ports.ts';
import { DEFAULT_DEVICE_UTC_OFFSET_MIN } from '../serial/device-time.ts';
import { type ClipSpec, clipExtension, makeClip } from './clip-maker.ts';

/** A file placed on the simulated volume. */
export interface SimClip {
  readonly relPath: string;
  readonly kind: FootageKind;
  /** Recording start and end by the recorder's clock (skew included). */
  readonly start: Date;
  readonly end: Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Vendor-style name: `DCIM/100MEDIA/20261121_083000_0001.MP4` in the device's local time. */
export function vendorClipPath(start: Date, index: number, kind: FootageKind, utcOffsetMin: number): string {
  const t = new Date(start.getTime() + utcOffsetMin * 60_000);
  const stamp = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}_${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
  return `DCIM/100MEDIA/${stamp}_${pad(index, 4)}${clipExtension(kind)}`;
}

/**
 * Fill `volumeDir` with real media files (ffmpeg, cached), named as recorders name them, each
 * with the modification time the recorder's clock gave it when recording ended.
 */
export async function buildSimVolume(
  volumeDir: string,
  clips: readonly ClipSpec[],
  options: { readonly spawn?: SpawnFn; readonly utcOffsetMin?: number } = {},
): Promise<SimClip[]> {
  const out: SimClip[] = [];
  for (const [i, spec] of clips.entries()) {
    const kind = spec.kind ?? 'video';
    const relPath = vendorClipPath(
      spec.start,
      i + 1,
      kind,
      options.utcOffsetMin ?? DEFAULT_DEVICE_UTC_OFFSET_MIN,
    );
    const abs = path.join(volumeDir, relPath);
    await mkdir(path.dirname(abs), { recursive: true });
    await makeClip(spec, abs, options.spawn);
    const end = new Date(spec.start.getTime() + (kind === 'photo' ? 0 : (spec.seconds ?? 2) * 1000));
    await utimes(abs, end, end);
    out.push({ relPath, kind, start: spec.start, end });
  }
  return out;
}

/** `count` two-second clips a few minutes apart, starting at `first` (by the recorder's clock). */
export function clipSeries(first: Date, count: number, gapMinutes = 10): ClipSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(first.getTime() + i * gapMinutes * 60_000),
    seconds: 2,
  }));
}
