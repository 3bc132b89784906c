/** The languages of the page, the CLI and the reports; zh-CN is the default of the page. */
export type Lang = 'zh-CN' | 'en';

/** Parameters of a message: `{name}` in the text is replaced by the value of that name. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** A message with its `{name}` placeholders filled; unknown names are left as they are. */
export function fill(text: string, params?: MessageParams): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/**
 * The language of a command from its environment, as POSIX programs choose it: LC_ALL, then
 * LC_MESSAGES, then LANG. Chinese (`zh_CN.UTF-8`, `zh_TW`, `zh`) is zh-CN; anything else English.
 */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh([_.@-]|$)/i.test(locale) ? 'zh-CN' : 'en';
}
