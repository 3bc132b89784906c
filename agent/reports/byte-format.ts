/** Binary units, as the dock counts storage: 1 KiB = 1024 B. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * Bytes as a short figure in binary units with one decimal, the one way the page, dockctl and the
 * reports write sizes: `512 B`, `1.5 KiB`, `350.2 MiB`, `59.6 GiB`. The unit is the largest that
 * keeps the rounded figure under 1024, so never `1024.0 MiB`. `smallest` sets the least unit
 * (reports count in MiB: `0.0 MiB`). Empty for null or a value that is not a finite number.
 */
export function formatBytes(bytes: number | null | undefined, smallest: 'B' | 'MiB' = 'B'): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
  let unit: number = UNITS.indexOf(smallest);
  let value = bytes / 1024 ** unit;
  while (unit < UNITS.length - 1 && Math.abs(Number(value.toFixed(1))) >= 1024) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
