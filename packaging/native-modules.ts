import { cp, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Copying the native packages (prebuilt for this machine's Node) and the packages they need at
 * run time into the app folder's node_modules, in the same nesting as in the repo, without
 * their build inputs (C/C++ sources, headers, object files, docs, other platforms' binaries).
 */

/** Needed to build or type-check, never at run time. */
const BUILD_ONLY = [/^prebuild-install$/, /^node-addon-api$/, /^node-gyp$/, /^@types\//];

const DROP_DIRS = new Set([
  'deps',
  'doc',
  'docs',
  'test',
  'tests',
  'vendor',
  'obj.target',
  '.deps',
  'example',
  'examples',
  'benchmark',
  'benchmarks',
  '.github',
]);
const DROP_FILE =
  /\.(c|cc|cpp|cxx|h|hh|hpp|gyp|gypi|md|markdown|map|o|a|mk|tlog|ts|mts|cts)$|^(CMakeLists\.txt|Makefile|binding\.gyp|\.npmignore|\.eslintrc.*)$/;
const KEEP_FILE = /^(LICEN[CS]E|COPYING|NOTICE)(\..*)?$/i;

/** Whether a file of a package (path relative to the package folder) goes into the package. */
export function keepPackageFile(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts[parts.length - 1] ?? '';
  if (KEEP_FILE.test(name)) return true;
  if (parts.slice(0, -1).some((d) => DROP_DIRS.has(d))) return false;
  // node-gyp output: only the finished addons (not the test extension), nothing else.
  if (parts[0] === 'build') return /^build\/Release\/[^/]+\.node$/.test(rel) && !name.startsWith('test_');
  // prebuildify binaries: this machine's platform only.
  if (parts[0] === 'prebuilds') return parts[1] === `${process.platform}-${process.arch}`;
  if (name.endsWith('.d.ts')) return false;
  return !DROP_FILE.test(name);
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Where Node would find package `name` from a package folder: its own node_modules, then up. */
async function locate(name: string, fromDir: string, repoRoot: string): Promise<string | null> {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (await isDir(candidate)) return candidate;
    if (dir === repoRoot || path.dirname(dir) === dir) return null;
    dir = path.dirname(dir);
    // Step out of a node_modules/@scope level.
    if (path.basename(dir) === 'node_modules') dir = path.dirname(dir);
    else if (path.basename(path.dirname(dir)) === 'node_modules' && path.basename(dir).startsWith('@'))
      dir = path.dirname(path.dirname(dir));
  }
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The package folders `roots` need at run time (dependencies and installed optional ones). */
export async function runtimeClosure(repoRoot: string, roots: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const queue = roots.map((name) => ({ name, from: repoRoot }));
  while (queue.length > 0) {
    const { name, from } = queue.shift() as { name: string; from: string };
    if (BUILD_ONLY.some((re) => re.test(name))) continue;
    const dir = await locate(name, from, repoRoot);
    if (!dir) {
      if (roots.includes(name)) throw new Error(`native package ${name} is not installed: run npm ci`);
      continue; // an optional dependency for another platform
    }
    if (found.has(dir)) continue;
    found.add(dir);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
    for (const dep of [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ])
      queue.push({ name: dep, from: dir });
  }
  return [...found].sort();
}

/** Copy the closure of `roots` into `appDir`, keeping each package's node_modules path. */
export async function copyNativeModules(
  repoRoot: string,
  appDir: string,
  roots: readonly string[],
): Promise<string[]> {
  const dirs = await runtimeClosure(repoRoot, roots);
  for (const dir of dirs) {
    const rel = path.relative(repoRoot, dir);
    await cp(dir, path.join(appDir, rel), {
      recursive: true,
      // Nested node_modules are copied as packages of their own (or not at all).
      filter: async (src) => {
        const inner = path.relative(dir, src).split(path.sep).join('/');
        if (inner === '') return true;
        if (inner === 'node_modules' || inner.startsWith('node_modules/')) return false;
        // Folders are entered unless dropped whole; their files are judged one by one.
        if (await isDir(src)) return !DROP_DIRS.has(path.basename(src));
        return keepPackageFile(inner);
      },
    });
  }
  return dirs.map((d) => path.relative(repoRoot, d));
}
