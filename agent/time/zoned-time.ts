import { DockError } from '../errors.ts';

/** A wall-clock reading in some time zone. Months are 1–12. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A time zone name the system does not know. */
export class UnknownTimeZoneError extends DockError {
  constructor(readonly timeZone: string) {
    super(
      'TIME_ZONE_UNKNOWN',
      `the time zone '${timeZone}' is not one this system knows: name an IANA zone such as Asia/Shanghai`,
    );
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnknownTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws UnknownTimeZoneError unless `timeZone` is an IANA zone this system knows. */
export function checkTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The wall clock in `timeZone` at the instant `ms` (epoch milliseconds). */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function asUtc(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return asUtc(wallClock(whole, timeZone)) - whole;
}

/**
 * The instant (epoch ms) when the wall clock in `timeZone` shows the given local time. Month and
 * day may overflow (month 13 is January of the next year), as with Date.UTC.
 */
export function zonedInstant(
  timeZone: string,
  year: number,
  month: number,
  day = 1,
  hour = 0,
  minute = 0,
): number {
  const local = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset on either side of a daylight-saving change.
  const first = local - zoneOffsetMs(local, timeZone);
  return local - zoneOffsetMs(first, timeZone);
}

/** The same wall-clock reading as a Date whose UTC fields hold it (for spreadsheet cells). */
export function wallClockAsUtcDate(ms: number, timeZone: string): Date {
  return new Date(asUtc(wallClock(ms, timeZone)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-21` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** `2026-11-21 08:05` in `timeZone`. */
export function localDateTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** The current UTC offset of an IANA time zone in minutes (Asia/Shanghai: 480). */
export function utcOffsetMinutes(timeZone: string, at = new Date()): number {
  return Math.round(zoneOffsetMs(at.getTime(), timeZone) / 60_000);
}
