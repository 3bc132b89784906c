import { execFile } from 'node:child_process';
import { copyFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { injectSeaBlob, SEA_FUSE, SEA_NOTE_NAME } from './elf-note-inject.ts';

const run = promisify(execFile);

/** How the blob gets into the executable: postject (npm), or the built-in ELF note injector. */
export type SeaInjector = 'postject' | 'builtin';

/** What to build. */
export interface SeaBuildOptions {
  readonly repoRoot: string;
  /** The CommonJS bundle to embed (packaging/bundle.ts output). */
  readonly script: string;
  /**
   * The package tree `script` lies in. The blob records the script's path as given, and stack
   * traces show it: relative to the tree it is where the file is installed
   * (`usr/lib/recorder-dock/recorder-dock.cjs`), not the build machine's temporary folder.
   */
  readonly treeRoot: string;
  /** The executable to write. */
  readonly output: string;
  /** Scratch folder for the SEA config and blob. */
  readonly workDir: string;
  /** The Node binary to copy; default this process's. */
  readonly nodeBinary?: string;
  /** Default: postject when installed in node_modules, else built-in. `$SEA_INJECTOR` overrides. */
  readonly injector?: SeaInjector;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The injector to use: the option, `$SEA_INJECTOR`, else postject when installed. */
export async function chooseInjector(repoRoot: string, wanted?: string): Promise<SeaInjector> {
  const choice = wanted ?? process.env.SEA_INJECTOR;
  if (choice === 'postject' || choice === 'builtin') return choice;
  return (await exists(path.join(repoRoot, 'node_modules/.bin/postject'))) ? 'postject' : 'builtin';
}

async function stripDebugInfo(exe: string): Promise<void> {
  // Node's official binary carries debug symbols (~13 MB); the package does not need them.
  // Stripping must happen before injection: strip rewrites the file from its sections and
  // would drop the note segment.
  await run('strip', ['--strip-all', exe]).catch(() => undefined);
}

/**
 * Build the single executable: the SEA preparation blob from `script`
 * (`node --experimental-sea-config`), a stripped copy of the Node binary, and the blob injected
 * into it. Returns the injector used.
 */
export async function buildSea(opts: SeaBuildOptions): Promise<SeaInjector> {
  const blob = path.join(opts.workDir, 'sea-prep.blob');
  const config = path.join(opts.workDir, 'sea-config.json');
  await writeFile(
    config,
    JSON.stringify({
      main: path.relative(opts.treeRoot, opts.script),
      output: blob,
      disableExperimentalSEAWarning: true,
      // No code cache: V8 rejects one made under other flags (with a warning at every start),
      // and dockd runs with NODE_OPTIONS=--max-semi-space-size=2 (systemd/recorder-dock.service)
      // while dockctl runs without; compiling lazily costs dockctl a few tenths of a second.
      useCodeCache: false,
    }),
  );
  const node = opts.nodeBinary ?? process.execPath;
  await run(node, ['--experimental-sea-config', config], { cwd: opts.treeRoot });
  await rm(opts.output, { force: true });
  await copyFile(node, opts.output);
  await stripDebugInfo(opts.output);
  const injector = await chooseInjector(opts.repoRoot, opts.injector);
  if (injector === 'postject') {
    await run(path.join(opts.repoRoot, 'node_modules/.bin/postject'), [
      opts.output,
      SEA_NOTE_NAME,
      blob,
      '--sentinel-fuse',
      SEA_FUSE,
    ]);
  } else {
    await injectSeaBlob(opts.output, blob);
  }
  return injector;
}
