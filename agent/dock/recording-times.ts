import { promises as fsp } from 'node:fs';
import { createFile, Log, type Movie, MP4BoxBuffer } from 'mp4box';
import type { TimeSource } from '../ledger/event-types.ts';

/** When a clip was recorded, by the recorder's clock, and how that was learnt. */
export interface RecordingTimes {
  readonly source: TimeSource;
  readonly start: Date | null;
  readonly end: Date | null;
  readonly durationMs: number | null;
}

/** Bounds on reading a recorder file's metadata: a hostile file must not make the dock read forever. */
const CHUNK = 64 * 1024;
const MAX_METADATA_BYTES = 32 * 1024 * 1024;
const MAX_READS = 4096;
/** The MP4 epoch (1904) shows as this when a recorder left creation_time at zero. */
const EARLIEST_PLAUSIBLE = Date.UTC(2000, 0, 1);

// mp4box prints parse errors of every malformed file straight to the console; for the dock a
// malformed file is an expected case (the time source falls back and is recorded), not a log line.
Object.assign(Log, { error: () => {}, warn: () => {} });

/**
 * Recording start, end and duration of a recorder file: from the MP4 movie header (`mvhd`,
 * wherever `moov` sits) through mp4box; failing that from the vendor file-name pattern
 * (`YYYYMMDD_HHMMSS` in the recorder's local time); failing that from the file time (the end).
 */
export async function readRecordingTimes(
  absPath: string,
  relPath: string,
  mtimeMs: number,
  utcOffsetMinutes: number,
): Promise<RecordingTimes> {
  const movie = await readMovieHeader(absPath).catch(() => null);
  if (movie) return movie;
  const named = timesFromName(relPath, utcOffsetMinutes);
  if (named) return named;
  return { source: 'mtime', start: null, end: new Date(mtimeMs), durationMs: null };
}

/** The mvhd times of an MP4/MOV file, or null when it has no usable movie header. */
export async function readMovieHeader(absPath: string): Promise<RecordingTimes | null> {
  const handle = await fsp.open(absPath, 'r');
  try {
    const movie = await parseMoov(handle, (await handle.stat()).size);
    if (!movie?.timescale || movie.created.getTime() < EARLIEST_PLAUSIBLE) return null;
    const durationMs = Math.round((movie.duration / movie.timescale) * 1000);
    if (!Number.isFinite(durationMs) || durationMs < 0) return null;
    const start = movie.created;
    return { source: 'mvhd', start, end: new Date(start.getTime() + durationMs), durationMs };
  } finally {
    await handle.close();
  }
}

/** Feed mp4box the chunks it asks for (it skips `mdat`) until the movie box is parsed. */
async function parseMoov(handle: fsp.FileHandle, size: number): Promise<Movie | null> {
  const file = createFile();
  let movie: Movie | null = null;
  let failed = false;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = () => {
    failed = true;
  };
  let next = 0;
  let readBytes = 0;
  for (let reads = 0; movie === null && !failed && next < size && reads < MAX_READS; reads++) {
    const length = Math.min(CHUNK, size - next);
    const chunk = new MP4BoxBuffer(length);
    const { bytesRead } = await handle.read(new Uint8Array(chunk), 0, length, next);
    if (bytesRead === 0) break;
    chunk.fileStart = next;
    readBytes += bytesRead;
    if (readBytes > MAX_METADATA_BYTES) break;
    const wanted = file.appendBuffer(chunk, next + bytesRead >= size);
    next = wanted > next ? wanted : next + bytesRead;
  }
  if (movie === null) file.flush();
  return movie;
}

const NAME_PATTERN = /(20\d{2})(\d{2})(\d{2})[_-]?(\d{2})(\d{2})(\d{2})/;

/** Start time from a vendor file name such as `20261121_083000_0001.MP4` (recorder local time). */
export function timesFromName(relPath: string, utcOffsetMinutes: number): RecordingTimes | null {
  const base = relPath.split('/').at(-1) ?? relPath;
  const m = NAME_PATTERN.exec(base);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return {
    source: 'filename',
    start: new Date(local - utcOffsetMinutes * 60_000),
    end: null,
    durationMs: null,
  };
}
