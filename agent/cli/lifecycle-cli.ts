import { existsSync } from 'node:fs';
import { configFileFromEnv, loadConfig } from '../config/config-loader.ts';
import { FHS_PATH_DEFAULTS } from '../config/config-resolve.ts';
import type { DockConfig } from '../config/dock-config.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { createLifecycle, type Lifecycle } from '../lifecycle/lifecycle-setup.ts';
import { silentLogger } from '../ops/logger.ts';
import { UsageError } from './ledger-cli-command.ts';

/** The option every lifecycle command takes besides --state. */
export const CONFIG_OPTION = { config: { type: 'string' as const } };

/** Help text of --config. */
export const CONFIG_HELP =
  '  --config FILE configuration (default $DOCK_CONFIG, else /etc/recorder-dock/config.yaml when it exists, else the embedded defaults)\n';

/** The configuration dockd runs on, with the state folder the command was given. */
export async function cliConfig(values: Record<string, unknown>, stateDir: string): Promise<DockConfig> {
  const named = (values.config as string | undefined) ?? configFileFromEnv(process.env);
  const file = values.config !== undefined || existsSync(named) ? named : null;
  const { config } = await loadConfig(file, { pathDefaults: { ...FHS_PATH_DEFAULTS, stateDir } });
  return config;
}

/** The lifecycle for a command (not started), with the configuration; `close` releases the store. */
export async function cliLifecycle(
  ledger: Ledger,
  values: Record<string, unknown>,
  stateDir: string,
): Promise<Lifecycle & { config: DockConfig; close: () => Promise<void> }> {
  const config = await cliConfig(values, stateDir);
  const life = await createLifecycle(config, ledger.lifecycle, silentLogger());
  return { ...life, config, close: () => life.store.close() };
}

/** A required text option. */
export function required(values: Record<string, unknown>, name: string, what: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`say ${what} with --${name}`);
  return v;
}

/** A time option: YYYY-MM-DD or an ISO time. */
export function timeOption(values: Record<string, unknown>, name: string): Date {
  const v = required(values, name, 'when');
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00` : v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be a date like 2026-11-21`);
  return d;
}
