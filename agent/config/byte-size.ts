const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/**
 * A size from the config: a whole number of bytes, or text such as "4 MiB". Returns null for
 * anything else (the schema has already refused it).
 */
export function parseByteSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^([0-9]+) ?(B|KiB|MiB|GiB)$/.exec(value);
  if (!m) return null;
  const bytes = Number(m[1]) * (UNITS[m[2] as string] ?? Number.NaN);
  return Number.isSafeInteger(bytes) ? bytes : null;
}
