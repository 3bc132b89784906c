import { domainEn } from './domain-en.ts';
import { type DomainKey, domainZh } from './domain-zh.ts';
import { fill, type Lang, type MessageParams } from './lang.ts';

export type { DomainKey } from './domain-zh.ts';

/** The dock's own words in each language. */
export const DOMAIN: Readonly<Record<Lang, { readonly [K in DomainKey]: string }>> = {
  'zh-CN': domainZh,
  en: domainEn,
};

/** One of the dock's words in `lang`, with its parameters filled in. */
export function domainText(lang: Lang, key: DomainKey, params?: MessageParams): string {
  return fill(DOMAIN[lang][key] ?? key, params);
}

/** Whether `key` is one of the dock's words (for keys made from data, like `session.${status}`). */
export function isDomainKey(key: string): key is DomainKey {
  return Object.hasOwn(domainZh, key);
}
