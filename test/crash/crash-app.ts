import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUNDLES, bundleApp } from '../../packaging/bundle.ts';

/** The bundled programs a trial runs as the service user. */
export interface CrashApp {
  readonly dir: string;
  /** The crash child: dockd on simulated recorders (crash-child.ts). */
  readonly child: string;
  /** The real dockctl. */
  readonly dockctl: string;
}

/** Folders of the repo the bundles read at run time, linked into the app folder. */
const LINKED = ['node_modules', 'schemas', 'config', 'drivers', 'agent/web/assets'];

/**
 * Bundle the crash child, dockctl and the worker threads with the package's own esbuild step
 * (packaging/bundle.ts), so each of a trial's several dockd starts costs well under a second
 * instead of seconds of TypeScript compilation. The code is the same code `make deb` ships.
 */
export async function buildCrashApp(repoRoot: string, dir: string): Promise<CrashApp> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'agent', 'web'), { recursive: true });
  // The package's worker bundles (ingest, simulated ingest, media probe), with our two programs
  // in place of its single executable.
  await bundleApp(repoRoot, dir, [
    { entry: 'test/crash/crash-child.ts', output: 'crash-child.cjs' },
    { entry: 'agent/bin/dockctl.ts', output: 'dockctl.cjs' },
    ...BUNDLES.filter((b) => b.entry !== 'packaging/sea-entry.ts'),
  ]);
  await writeFile(path.join(dir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  for (const rel of LINKED) await symlink(path.join(repoRoot, rel), path.join(dir, rel));
  return { dir, child: path.join(dir, 'crash-child.cjs'), dockctl: path.join(dir, 'dockctl.cjs') };
}
