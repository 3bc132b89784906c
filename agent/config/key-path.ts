/** A key path as segments: object keys and array indexes. */
export type KeySegments = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Segments as people read them in a YAML file: `drivers.fingerprints.models[0].id`. */
export function formatKeyPath(segments: KeySegments): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Segments of a JSON pointer (`/drivers/gaSdk/0`); all-digit segments become indexes. */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** True when `prefix` is a leading part of `segments`. */
export function startsWith(segments: KeySegments, prefix: KeySegments): boolean {
  return prefix.length <= segments.length && prefix.every((s, i) => s === segments[i]);
}
