/**
 * Server-side HTML building: a tagged template that escapes every interpolation unless it is
 * already SafeHtml. Nothing that came from a request, the ledger or a recorder reaches the page
 * without passing through `escapeHtml`.
 */

/** HTML that is known to be safe to write as it is (built by `html` or `rawHtml`). */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: text is escaped, SafeHtml is kept, lists are joined, null is empty. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escape text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** Build HTML: `html\`<td>${name}</td>\`` escapes `name` unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Mark a constant string (never request data) as HTML. */
export function rawHtml(text: string): SafeHtml {
  return new SafeHtml(text);
}

/** Join several fragments with an optional (escaped) separator. */
export function joinHtml(parts: readonly HtmlValue[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(render).join(escapeHtml(separator)));
}
