import type { FileHandle } from 'node:fs/promises';

/** Where a file's top-level `moov` box is, or why there is none. */
export type MoovLocation =
  | { readonly found: true; readonly offset: number; readonly size: number }
  | { readonly found: false; readonly reason: 'no-moov' | 'not-mp4' };

/** Top-level box types of an ISO base media file that may come before or after `moov`. */
const TOP_LEVEL = new Set([
  'ftyp',
  'mdat',
  'free',
  'skip',
  'wide',
  'uuid',
  'pdin',
  'styp',
  'sidx',
  'meta',
  'moof',
  'mfra',
]);
/** At most this many top-level boxes are looked at: a hostile file cannot make the walk long. */
const MAX_BOXES = 1024;

/**
 * Walk the top-level boxes of an MP4/MOV file by their 8- or 16-byte headers, reading nothing
 * else, and say where `moov` is. A file that starts like an MP4 (`ftyp`, `mdat` …) but ends without
 * `moov` was cut short (a power loss while recording); anything else is not an MP4.
 */
export async function findMoov(handle: FileHandle, size: number): Promise<MoovLocation> {
  const header = Buffer.alloc(16);
  let offset = 0;
  let sawMp4Box = false;
  for (let n = 0; n < MAX_BOXES && offset + 8 <= size; n++) {
    const { bytesRead } = await handle.read(header, 0, 16, offset);
    if (bytesRead < 8) break;
    const type = header.toString('latin1', 4, 8);
    let boxSize = header.readUInt32BE(0);
    let headerSize = 8;
    if (boxSize === 1) {
      if (bytesRead < 16) break;
      const big = header.readBigUInt64BE(8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) break;
      boxSize = Number(big);
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - offset; // the box runs to the end of the file
    }
    if (type === 'moov') {
      if (boxSize < headerSize || offset + boxSize > size) return { found: false, reason: 'no-moov' };
      return { found: true, offset, size: boxSize };
    }
    if (!TOP_LEVEL.has(type) || boxSize < headerSize) break;
    sawMp4Box = true;
    offset += boxSize;
  }
  return { found: false, reason: sawMp4Box ? 'no-moov' : 'not-mp4' };
}
