import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundle entry points as the agent ships, ESM for plain node with packages left external, into
 * `bench/results/<name>`; returns that folder. Measured children run from it, not under tsx.
 */
export async function bundleForNode(name: string, entryPoints: readonly string[]): Promise<string> {
  const outdir = path.join(import.meta.dirname, 'results', name);
  await build({
    entryPoints: [...entryPoints],
    outdir,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return outdir;
}

/**
 * Peak RSS (VmHWM, MB) of a fresh process that ingests `file` into a vault under `stateDir`, run
 * as the agent ships: bundled JavaScript on plain node (under tsx every worker thread would carry
 * its own TypeScript loader).
 */
export async function peakRss(file: string, stateDir: string): Promise<number> {
  const outdir = await bundleForNode('rss-bundle', [
    path.join(import.meta.dirname, 'rss-probe.ts'),
    path.join(import.meta.dirname, '..', 'agent', 'ingest', 'ingest-worker.ts'),
  ]);
  const probe = path.join(outdir, 'rss-probe.js');
  const out = execFileSync(process.execPath, [probe, file, stateDir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) as string).maxRssKiB / 1024;
}
