import { DOMAIN, type DomainKey } from '../../i18n/domain.ts';
import { fill } from '../../i18n/lang.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** The page's languages; zh-CN is the default. */
export type WebLang = 'zh-CN' | 'en';

/** Every language, the default first. */
export const WEB_LANGS: readonly WebLang[] = ['zh-CN', 'en'];

/** The cookie that remembers the language switch. */
export const LANG_COOKIE = 'rd_lang';

/**
 * A message name: the page's own (zh-CN.ts defines them, en.ts has exactly the same) or one of
 * the dock's words shared with dockctl and the reports (agent/i18n/domain-*.ts).
 */
export type MessageKey = keyof typeof zhCN | DomainKey;

/** One language's messages. `{name}` in a message is replaced by the parameter of that name. */
export type Catalog = { readonly [K in MessageKey]: string };

/** Look up a message in the page's language. Returns plain text: the html template escapes it. */
export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/** The catalogs by language. */
export const CATALOGS: Readonly<Record<WebLang, Catalog>> = {
  'zh-CN': { ...zhCN, ...DOMAIN['zh-CN'] },
  en: { ...en, ...DOMAIN.en },
};

/** A language from a cookie or query value, or null when it is not one of ours. */
export function parseLang(value: string | null | undefined): WebLang | null {
  return (WEB_LANGS as readonly (string | null | undefined)[]).includes(value) ? (value as WebLang) : null;
}

/** The translate function of one language. */
export function translator(lang: WebLang): Translate {
  const catalog = CATALOGS[lang];
  return (key, params) => fill(catalog[key] ?? key, params);
}
