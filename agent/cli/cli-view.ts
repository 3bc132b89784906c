import { existsSync } from 'node:fs';
import { formatConfigError, isConfigError } from '../config/config-error.ts';
import { configFileFromEnv, loadConfig } from '../config/config-loader.ts';
import { type Lang, langFromEnv } from '../i18n/lang.ts';
import { localDateTime } from '../reports/zoned-time.ts';
import type { CliIo } from './command.ts';

/** The zone of the embedded defaults (rules.timezone), when no configuration can be read. */
const DEFAULT_ZONE = 'Asia/Shanghai';

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
}

/**
 * The view of a command: the language from the environment, the zone from the configuration the
 * daemon reads (`--config`, `$DOCK_CONFIG`, else /etc/recorder-dock/config.yaml when it exists,
 * else the embedded defaults). A configuration with problems does not stop a listing: its times
 * are shown in the default zone, and the problems are named on stderr.
 */
export async function cliView(io: CliIo, configOption?: string): Promise<CliView> {
  const lang = langFromEnv(io.env);
  const file = configOption ?? configFileFromEnv(io.env);
  let zone = DEFAULT_ZONE;
  try {
    zone = (await loadConfig(configOption !== undefined || existsSync(file) ? file : null)).config.rules
      .timezone;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    const note =
      lang === 'zh-CN'
        ? `dockctl：注意：配置有问题，时间按 ${DEFAULT_ZONE} 显示。`
        : `dockctl: note: the configuration has problems; times are shown in ${DEFAULT_ZONE}.`;
    io.stderr.write(`${note}\n${formatConfigError(err)}\n`);
  }
  return {
    zone,
    lang,
    time: (d) => (d === null ? null : localDateTime(d.getTime(), zone)),
    zoneNote: lang === 'zh-CN' ? `（时间为 ${zone} 时区）\n` : `(times in ${zone})\n`,
  };
}
