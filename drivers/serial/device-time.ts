/**
 * Recorders keep local wall-clock time without a zone. The channel carries it as
 * `YYYYMMDDhhmmss`; the dock converts with the recorders' UTC offset (China: +08:00).
 */

/** Default UTC offset of recorders' clocks, in minutes (Beijing time). */
export const DEFAULT_DEVICE_UTC_OFFSET_MIN = 480;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Format an instant as the device's local `YYYYMMDDhhmmss`. */
export function formatDeviceTime(instant: Date, offsetMin: number = DEFAULT_DEVICE_UTC_OFFSET_MIN): string {
  const d = new Date(instant.getTime() + offsetMin * 60_000);
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds())
  );
}

/** Parse the device's `YYYYMMDDhhmmss` into an instant; null when it is not a real time. */
export function parseDeviceTime(
  text: string,
  offsetMin: number = DEFAULT_DEVICE_UTC_OFFSET_MIN,
): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (y < 1980 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return null;
  return new Date(ms - offsetMin * 60_000);
}
