import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { TimeSource } from '../ledger/event-types.ts';
import { failpoint } from '../ops/failpoints.ts';
import type { DockRules } from './dock-rules.ts';
import type { MediaProbe, MovieProbe } from './media-probe.ts';

/** When a clip was recorded, by the recorder's clock, and how that was learnt. */
export interface RecordingTimes {
  readonly source: TimeSource;
  readonly start: Date | null;
  readonly end: Date | null;
  readonly durationMs: number | null;
  /** Set when an MP4/MOV clip has no usable movie header: cut short, or not a readable MP4. */
  readonly damaged: 'no-moov' | 'unparseable' | null;
}

/** The MP4 epoch (1904) shows as this when a recorder left creation_time at zero. */
const EARLIEST_PLAUSIBLE = Date.UTC(2000, 0, 1);
/** Files the recorder writes as MP4 / QuickTime: a missing movie header means damage. */
const MOVIE_FILE = /\.(mp4|mov|m4v)$/i;

/**
 * Recording start, end and duration of a sealed clip: from the MP4 movie header (`mvhd`,
 * wherever `moov` sits) through the isolated media probe; failing that from the vendor file-name
 * pattern (`YYYYMMDD_HHMMSS` in the recorder's clock zone); failing that from the file time (the
 * end). An MP4/MOV file without a usable header is marked damaged.
 */
export async function readRecordingTimes(
  probe: MediaProbe,
  absPath: string,
  relPath: string,
  mtimeMs: number,
  utcOffsetMinutes: number,
): Promise<RecordingTimes> {
  failpoint('dock.times.read', relPath);
  const movie = await probe.probe(absPath);
  const fromHeader = timesFromMovie(movie);
  if (fromHeader) return fromHeader;
  const damaged = MOVIE_FILE.test(relPath) ? damageOf(movie) : null;
  const named = timesFromName(relPath, utcOffsetMinutes);
  if (named) return { ...named, damaged };
  return { source: 'mtime', start: null, end: new Date(mtimeMs), durationMs: null, damaged };
}

/**
 * Recording times of a sealed copy of a recorder file, read in the recorder's own clock zone
 * where its recent clips teach it (learnedUtcOffsetMinutes), else in the configured one.
 */
export function clipRecordingTimes(
  deps: {
    readonly ledger: Pick<DockLedger, 'recentHeaderTimedClips'>;
    readonly rules: Pick<DockRules, 'deviceUtcOffsetMinutes'>;
    readonly probe: MediaProbe;
  },
  vaultPath: string,
  file: { readonly relPath: string; readonly mtimeMs: number },
  serial: string,
): Promise<RecordingTimes> {
  const learned = learnedUtcOffsetMinutes(deps.ledger.recentHeaderTimedClips(serial, 20));
  const offset = learned ?? deps.rules.deviceUtcOffsetMinutes;
  return readRecordingTimes(deps.probe, vaultPath, file.relPath, file.mtimeMs, offset);
}

function timesFromMovie(movie: MovieProbe): RecordingTimes | null {
  if (!movie.ok || movie.created.getTime() < EARLIEST_PLAUSIBLE) return null;
  const start = movie.created;
  return {
    source: 'mvhd',
    start,
    end: new Date(start.getTime() + movie.durationMs),
    durationMs: movie.durationMs,
    damaged: null,
  };
}

function damageOf(movie: MovieProbe): 'no-moov' | 'unparseable' | null {
  if (movie.ok) return null; // a header with an implausible time: not damage, the time is unknown
  return movie.reason === 'no-moov' ? 'no-moov' : 'unparseable';
}

const NAME_PATTERN = /(20\d{2})(\d{2})(\d{2})[_-]?(\d{2})(\d{2})(\d{2})/;

/** The digits of a vendor file name's time, read as if they were UTC (ms), or null. */
export function nameClockMs(relPath: string): number | null {
  const base = relPath.split('/').at(-1) ?? relPath;
  const m = NAME_PATTERN.exec(base);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return local;
}

/** Start time from a vendor file name such as `20261121_083000_0001.MP4` (recorder local time). */
export function timesFromName(
  relPath: string,
  utcOffsetMinutes: number,
): Omit<RecordingTimes, 'damaged'> | null {
  const local = nameClockMs(relPath);
  if (local === null) return null;
  return {
    source: 'filename',
    start: new Date(local - utcOffsetMinutes * 60_000),
    end: null,
    durationMs: null,
  };
}

/**
 * The recorder's clock zone learnt from its own clips: where the file-name time and the MP4
 * header time of the same clips differ by the same whole number of hours (within a minute, for
 * the time the recorder takes to write the header), that difference is the zone. Null when the
 * clips disagree or there are none.
 */
export function learnedUtcOffsetMinutes(
  clips: readonly { readonly sourcePath: string; readonly rawStart: Date }[],
): number | null {
  let offset: number | null = null;
  for (const clip of clips) {
    const named = nameClockMs(clip.sourcePath);
    if (named === null) continue;
    const diffMin = (named - clip.rawStart.getTime()) / 60_000;
    const hours = Math.round(diffMin / 60);
    if (Math.abs(diffMin - hours * 60) > 1 || Math.abs(hours) > 14) return null;
    if (offset !== null && offset !== hours * 60) return null;
    offset = hours * 60;
  }
  return offset;
}
