/** A plain-text table for people: a header line, then one line per row, columns padded. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c))))
      .join('  ')
      .trimEnd();
  return `${cells.map((r) => line(r as string[])).join('\n')}\n`;
}

/** Terminal width of a string: CJK characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s)
    w +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}

/** The longest start of `s` that fits in `columns` terminal columns (CJK characters count two). */
export function fitColumns(s: string, columns: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > columns) break;
    w += cw;
    out += ch;
  }
  return out;
}

/** `label  value` lines for people, the values lined up (CJK characters count two columns). */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([k]) => displayWidth(k)));
  return fields.map(([k, v]) => `${k}${' '.repeat(width - displayWidth(k))}  ${v}`).join('\n');
}
