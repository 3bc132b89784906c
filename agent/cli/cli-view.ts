import type { DockConfig } from '../config/dock-config.ts';
import { type DomainKey, domainText } from '../i18n/domain.ts';
import { type Lang, langFromEnv, type MessageParams } from '../i18n/lang.ts';
import { localDateTime } from '../time/zoned-time.ts';

/** How a dockctl command writes for a person: in the dock's time zone and the terminal's language. */
export interface CliView {
  /** The dock's zone (rules.timezone), e.g. Asia/Shanghai. */
  readonly zone: string;
  /** zh-CN when LANG (or LC_ALL, LC_MESSAGES) is Chinese, else en. */
  readonly lang: Lang;
  /** A time as `2026-11-21 08:05` in the dock's zone; null stays null. */
  time(d: Date | null): string | null;
  /** The line under a table that says which zone its times are in. */
  readonly zoneNote: string;
  /** One of the dock's words in the command's language. */
  t(key: DomainKey, params?: MessageParams): string;
}

/** The view of a command: the dock's zone from the configuration dockd reads, the language from the environment. */
export function cliView(config: Pick<DockConfig, 'rules'>, env: NodeJS.ProcessEnv): CliView {
  const lang = langFromEnv(env);
  const zone = config.rules.timezone;
  return {
    zone,
    lang,
    time: (d) => (d === null ? null : localDateTime(d.getTime(), zone)),
    zoneNote: lang === 'zh-CN' ? `（时间为 ${zone} 时区）\n` : `(times in ${zone})\n`,
    t: (key, params) => domainText(lang, key, params),
  };
}
