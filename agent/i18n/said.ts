import { type DomainKey, domainText } from './domain.ts';
import type { Lang, MessageParams } from './lang.ts';

/** A sentence still to be said: its catalogue key and parameters, rendered in the reader's language. */
export interface Said {
  readonly key: DomainKey;
  readonly params?: MessageParams;
  /** Parameters that are sentences themselves (or render one), in the same language. */
  readonly nested?: Readonly<Record<string, Said | string | ((lang: Lang) => string)>>;
}

/** A sentence of the catalogue with its parameters, to be rendered later in the reader's language. */
export function said(key: DomainKey, params?: MessageParams, nested?: Said['nested']): Said {
  return { key, ...(params === undefined ? {} : { params }), ...(nested === undefined ? {} : { nested }) };
}

/** The sentence in `lang`; a plain string is data and stays as it is. */
export function sayIn(lang: Lang, s: Said | string): string {
  if (typeof s === 'string') return s;
  const inner = Object.entries(s.nested ?? {}).map(([k, v]) => [
    k,
    typeof v === 'function' ? v(lang) : sayIn(lang, v),
  ]);
  return domainText(lang, s.key, { ...s.params, ...Object.fromEntries(inner) });
}
