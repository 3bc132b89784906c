import { wallClock, zonedInstant } from '../time/zoned-time.ts';
import { BadRequestError } from './web-errors.ts';

/**
 * Calendar dates in the dock's time zone: the page's date filters mean whole days where the
 * office is, whatever the time zone of the server process.
 */

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant local midnight begins on the calendar day `y-m-d` in `timeZone`. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  return zonedAt(year, month, day, 0, 0, timeZone);
}

/** The instant the wall clock in `timeZone` shows `y-m-d h:mi`. */
function zonedAt(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  return new Date(zonedInstant(timeZone, year, month, day, hour, minute));
}

/** Parse `YYYY-MM-DD` as the start of that day in `timeZone`; null when malformed. */
export function parseZonedDay(text: string, timeZone: string): Date | null {
  const m = DATE_PATTERN.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 9999) return null;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) return null;
  return zonedMidnight(y, mo, d, timeZone);
}

/** Parse `YYYY-MM-DDTHH:MM` (a datetime-local field) as wall-clock time in `timeZone`; null when malformed. */
export function parseZonedDateTime(text: string, timeZone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!m || !parseZonedDay(m[1] as string, timeZone)) return null;
  const [y, mo, d] = (m[1] as string).split('-').map(Number) as [number, number, number];
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (h > 23 || mi > 59) return null;
  return zonedAt(y, mo, d, h, mi, timeZone);
}

/** `YYYY-MM-DDTHH:MM` of `date` in `timeZone`, for a datetime-local field. */
export function zonedDateTimeField(date: Date, timeZone: string): string {
  const w = wallClock(date.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${zonedDayString(date, timeZone)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** `YYYY-MM-DD` of the day `date` falls on in `timeZone`. */
export function zonedDayString(date: Date, timeZone: string): string {
  const w = wallClock(date.getTime(), timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The calendar year `date` falls in, in `timeZone`. */
export function zonedYear(date: Date, timeZone: string): number {
  return wallClock(date.getTime(), timeZone).year;
}

function dayField(name: string, text: string | null, timeZone: string): Date | null {
  if (text === null || text.trim() === '') return null;
  const day = parseZonedDay(text, timeZone);
  if (!day) throw new BadRequestError(`the ${name} date must be a day like 2025-03-01`);
  return day;
}

/** A day range as the filters show it, and the instants it covers: [from's midnight, the midnight after `to`). */
export interface DayRange {
  readonly from: Date;
  readonly to: Date;
  readonly fromText: string;
  readonly toText: string;
}

/** A day range from form fields (`YYYY-MM-DD`, both days included); by default the last `days` days. */
export function dayRange(
  fromText: string | null,
  toText: string | null,
  now: Date,
  timeZone: string,
  days: number,
): DayRange {
  const toDay =
    dayField('to', toText, timeZone) ?? (parseZonedDay(zonedDayString(now, timeZone), timeZone) as Date);
  const defaultFrom = new Date(toDay.getTime() - (days - 1) * DAY_MS + DAY_MS / 2);
  const from =
    dayField('from', fromText, timeZone) ??
    (parseZonedDay(zonedDayString(defaultFrom, timeZone), timeZone) as Date);
  if (from.getTime() > toDay.getTime())
    throw new BadRequestError('the from date is after the to date: swap them');
  return {
    from,
    to: nextZonedDay(toDay, timeZone),
    fromText: zonedDayString(from, timeZone),
    toText: zonedDayString(toDay, timeZone),
  };
}

/** The midnight after the day that begins at `dayStart`. */
export function nextZonedDay(dayStart: Date, timeZone: string): Date {
  const later = new Date(dayStart.getTime() + DAY_MS + DAY_MS / 2);
  return parseZonedDay(zonedDayString(later, timeZone), timeZone) as Date;
}
