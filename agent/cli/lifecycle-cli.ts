import type { DockConfig } from '../config/dock-config.ts';
import type { DomainKey } from '../i18n/domain.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { createLifecycle, type Lifecycle } from '../lifecycle/lifecycle-setup.ts';
import { silentLogger } from '../ops/logger.ts';
import { UsageError } from './ledger-cli-command.ts';

/** The lifecycle for a command (not started), with the configuration; `close` releases the store. */
export async function cliLifecycle(
  ledger: Ledger,
  config: DockConfig,
): Promise<Lifecycle & { config: DockConfig; close: () => Promise<void> }> {
  const life = await createLifecycle(config, ledger.lifecycle, silentLogger());
  return { ...life, config, close: () => life.store.close() };
}

type WhatOf<K> = K extends `cli.usage.what.${infer W}` ? W : never;

/** What a required option says (`who places it`, `why`): one of the catalogue's `cli.usage.what.*`. */
export type UsageWhat = WhatOf<DomainKey>;

/** A required text option; missing, `say WHAT with --NAME` in the reader's language. */
export function required(values: Record<string, unknown>, name: string, what: UsageWhat): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '')
    throw new UsageError({
      key: 'cli.usage.sayWith',
      params: { name },
      nested: { what: { key: `cli.usage.what.${what}` } },
    });
  return v;
}

/** A time option: YYYY-MM-DD or an ISO time. */
export function timeOption(values: Record<string, unknown>, name: string): Date {
  const v = required(values, name, 'when');
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00` : v);
  if (Number.isNaN(d.getTime()))
    throw new UsageError({ key: 'cli.usage.date', params: { name: `--${name}` } });
  return d;
}
