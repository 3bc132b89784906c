/**
 * How the page writes times, sizes and rates: in the dock's time zone, the same way in both
 * languages (24-hour, ISO-like dates) so that printed pages compare line by line.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function joined(date: Date, timeZone: string, withTime: boolean): string {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone, withTime).formatToParts(date)) p[part.type] = part.value;
  const day = `${p.year}-${p.month}-${p.day}`;
  return withTime ? `${day} ${p.hour}:${p.minute}:${p.second}` : day;
}

/** `2025-03-01 16:00:05` in the dock's time zone; '' for null. */
export function formatDateTime(date: Date | null | undefined, timeZone: string): string {
  return date ? joined(date, timeZone, true) : '';
}

/** `2025-03-01` in the dock's time zone; '' for null. */
export function formatDay(date: Date | null | undefined, timeZone: string): string {
  return date ? joined(date, timeZone, false) : '';
}

/** Seconds as `m:ss` or `h:mm:ss`; '' for null. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A percentage, or '' for null. */
export function formatPercent(pct: number | null | undefined): string {
  return pct === null || pct === undefined ? '' : `${Math.round(pct)}%`;
}
