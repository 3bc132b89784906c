import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { bundleApp, NATIVE_PACKAGES } from './bundle.ts';
import { APP_DIR, installedSizeKiB, layoutTree, md5sums, PROGRAM } from './deb-layout.ts';
import { copyNativeModules } from './native-modules.ts';
import { buildSea, type SeaInjector } from './sea-build.ts';

const run = promisify(execFile);

/** The repository this script belongs to. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** dpkg-deb's compressors: xz for release, zstd or gzip for quicker test builds. */
export type DebCompression = 'xz' | 'zstd' | 'gzip' | 'none';

/** What to build. */
export interface DebBuildOptions {
  readonly repoRoot?: string;
  /** Folder the .deb is written to (default dist/). */
  readonly outDir?: string;
  readonly compression?: DebCompression;
  readonly injector?: SeaInjector;
  /** Keep the staging tree (for inspection); default removed. */
  readonly keepTree?: boolean;
}

/** The built package. */
export interface BuiltDeb {
  readonly file: string;
  readonly version: string;
  readonly arch: string;
  readonly injector: SeaInjector;
  readonly nativePackages: readonly string[];
  readonly seconds: number;
}

/** Debian's name for this machine's architecture. */
export function debianArch(arch = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386' };
  const name = names[arch];
  if (!name) throw new Error(`no Debian architecture for ${arch}`);
  return name;
}

async function writeDebianDir(repoRoot: string, tree: string, version: string, arch: string): Promise<void> {
  const debian = path.join(tree, 'DEBIAN');
  await mkdir(debian, { recursive: true });
  for (const script of ['postinst', 'prerm', 'postrm']) {
    await copyFile(path.join(repoRoot, 'packaging/debian', script), path.join(debian, script));
    await chmod(path.join(debian, script), 0o755);
  }
  await writeFile(path.join(debian, 'md5sums'), await md5sums(tree));
  const control = (await readFile(path.join(repoRoot, 'packaging/debian/control.in'), 'utf8'))
    .replace('@VERSION@', version)
    .replace('@ARCH@', arch)
    .replace('@INSTALLED_SIZE@', String(await installedSizeKiB(tree)));
  await writeFile(path.join(debian, 'control'), control);
}

/**
 * `make deb`: bundle the agent (esbuild), build the single executable (Node SEA), copy the
 * native modules beside it, lay out the unit, udev rules, sysusers, tmpfiles and default
 * config, add the maintainer scripts and build the .deb with dpkg-deb.
 */
export async function buildDeb(options: DebBuildOptions = {}): Promise<BuiltDeb> {
  const started = Date.now();
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const arch = debianArch();
  const work = await mkdtemp(path.join(os.tmpdir(), 'recorder-dock-deb-'));
  try {
    const tree = path.join(work, 'tree');
    const app = path.join(tree, APP_DIR);
    await mkdir(app, { recursive: true });
    await bundleApp(repoRoot, app);
    const script = path.join(app, `${PROGRAM}.cjs`);
    const injector = await buildSea({
      repoRoot,
      script,
      treeRoot: tree,
      output: path.join(app, PROGRAM),
      workDir: work,
      injector: options.injector,
    });
    await rm(script);
    const nativePackages = await copyNativeModules(repoRoot, app, NATIVE_PACKAGES);
    await layoutTree(repoRoot, tree, pkg.version);
    await writeDebianDir(repoRoot, tree, pkg.version, arch);
    const outDir = options.outDir ?? path.join(repoRoot, 'dist');
    await mkdir(outDir, { recursive: true });
    const file = path.join(outDir, `recorder-dock_${pkg.version}_${arch}.deb`);
    await run('dpkg-deb', ['--root-owner-group', `-Z${options.compression ?? 'xz'}`, '--build', tree, file], {
      maxBuffer: 16 << 20,
    });
    return {
      file,
      version: pkg.version,
      arch,
      injector,
      nativePackages,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (!options.keepTree) await rm(work, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      compression: { type: 'string' },
      injector: { type: 'string' },
      'keep-tree': { type: 'boolean' },
    },
  });
  const built = await buildDeb({
    outDir: values.out,
    compression: values.compression as DebCompression | undefined,
    injector: values.injector as SeaInjector | undefined,
    keepTree: values['keep-tree'],
  });
  process.stdout.write(`${built.file} (${built.injector} injector, ${built.seconds.toFixed(1)} s)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`build-deb: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
