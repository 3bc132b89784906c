import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { EMBEDDED_DEFAULTS_FILE, parseConfigText } from '../../agent/config/config-loader.ts';
import { type DockConfig, ledgerFigures } from '../../agent/config/dock-config.ts';
import type { LedgerOptions } from '../../agent/ledger/ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { DockPaths } from '../../agent/paths.ts';

/** Keys set over the embedded defaults, in the configuration file's own shape. */
export type ConfigOverrides = { readonly [key: string]: unknown };

function merged(base: unknown, over: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merged(base[k], v);
  return out;
}

/**
 * The configuration tests run dockd on: the embedded defaults (config/default.yaml) with
 * `overrides` merged in and validated as dockd validates a file, every folder below `stateDir`
 * (the run folder at `stateDir/run`). The page listens on a free loopback port (port 0, which a
 * file cannot say), so tests never meet a demo on 8470.
 */
export function testConfig(stateDir: string, overrides: ConfigOverrides = {}): DockConfig {
  const doc = merged(parse(readFileSync(EMBEDDED_DEFAULTS_FILE, 'utf8')), overrides);
  const { config } = parseConfigText(stringify(doc), 'the embedded defaults with test overrides', {
    pathDefaults: { stateDir, runDir: path.join(stateDir, 'run') },
  });
  return { ...config, web: { ...config.web, listen: { ...config.web.listen, port: 0 } } };
}

/** Options to open a ledger in `paths` with the embedded defaults' figures, `extra` over them. */
export function testLedgerOptions(paths: DockPaths, extra: Partial<LedgerOptions> = {}): LedgerOptions {
  return { paths, logger: silentLogger(), ...ledgerFigures(testConfig(paths.stateDir)), ...extra };
}
