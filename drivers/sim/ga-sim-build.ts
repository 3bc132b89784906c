import { spawn as nodeSpawn } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SpawnFn } from '../contract/ports.ts';
import { formatArgv, runCommand } from '../process/run-command.ts';
import { cached, cacheKey, simCacheDir } from './sim-cache.ts';

/** The C source of the simulated GA library. */
export const GA_SIM_SOURCE = new URL('./ga-sim.c', import.meta.url);

/**
 * Compile drivers/sim/ga-sim.c with the machine's gcc into the simulator cache (keyed by the
 * source's hash) and return the shared library's path. Throws ToolMissingError without gcc.
 */
export async function buildGaSimLibrary(spawn: SpawnFn = nodeSpawn): Promise<string> {
  const source = await readFile(GA_SIM_SOURCE);
  const out = path.join(simCacheDir(), `libga-sim-${cacheKey([source.toString('base64')])}.so`);
  return cached(out, async (tmp) => {
    const args = [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-o',
      tmp,
      GA_SIM_SOURCE.pathname,
      '-lpthread',
    ];
    const res = await runCommand(spawn, 'gcc', args, { timeoutMs: 60_000 });
    if (res.code !== 0) throw new Error(`${formatArgv('gcc', args)} failed: ${res.stderr.trim()}`);
  });
}

/**
 * A private copy of the library for one simulated recorder: the dynamic loader keys loaded
 * libraries by file, so each copy holds its own device state.
 */
export async function privateGaSimLibrary(dir: string, spawn: SpawnFn = nodeSpawn): Promise<string> {
  const built = await buildGaSimLibrary(spawn);
  const copy = path.join(dir, 'libga-sim.so');
  await copyFile(built, copy);
  return copy;
}
