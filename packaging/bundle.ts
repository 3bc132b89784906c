import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * The esbuild step of the package: the agent as CommonJS bundles, because a Node 20 single
 * executable runs exactly one CommonJS script.
 *
 * - `import.meta.url` in our sources becomes the URL the file would have in the app folder
 *   (`/usr/lib/recorder-dock/agent/ledger/migrations.js`), so every `new URL('../../schemas/…',
 *   import.meta.url)` finds the data files shipped in the same layout beside the executable,
 *   and the worker pool finds `agent/ingest/ingest-worker.js`.
 * - Packages with native code stay outside the bundle and load from `node_modules/` beside the
 *   executable through `createRequire` (the SEA's own `require` loads built-in modules only).
 */

/** Packages with native code, shipped prebuilt in the app folder's node_modules. */
export const NATIVE_PACKAGES = ['better-sqlite3', 'koffi', 'usb', '@serialport/bindings-cpp'] as const;

/** One bundle: its entry source and where it goes, relative to the repo and the app folder. */
export interface BundleSpec {
  /** Entry source, relative to the repo root. */
  readonly entry: string;
  /** Output path relative to the app folder; decides how far up the app folder is. */
  readonly output: string;
}

/**
 * The bundles of the package: the multi-call program and the worker threads it starts (the
 * ingest workers, the simulator's ingest workers for `dockd demo`, the isolated media probe, the
 * off-site transfer thread).
 */
export const BUNDLES: readonly BundleSpec[] = [
  { entry: 'packaging/sea-entry.ts', output: 'recorder-dock.cjs' },
  { entry: 'agent/ingest/ingest-worker.ts', output: 'agent/ingest/ingest-worker.js' },
  { entry: 'agent/ingest/sim-ingest-worker.ts', output: 'agent/ingest/sim-ingest-worker.js' },
  { entry: 'agent/dock/media-probe-worker.ts', output: 'agent/dock/media-probe-worker.js' },
  { entry: 'agent/offsite/transfer-worker.ts', output: 'agent/offsite/transfer-worker.js' },
];

function banner(output: string): string {
  const up = path.posix.relative(path.posix.dirname(output), '.') || '.';
  return [
    '"use strict";',
    `var __dockAppDir = require("node:path").resolve(__dirname, ${JSON.stringify(up)});`,
    'var __dockModuleUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dockAppDir, rel)).href;',
    'var __dockNativeRequire = require("node:module").createRequire(require("node:path").join(__dockAppDir, "package.json"));',
  ].join('\n');
}

function appLayoutPlugin(repoRoot: string): Plugin {
  const natives = new RegExp(`^(${NATIVE_PACKAGES.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'recorder-dock-app-layout',
    setup(b) {
      b.onResolve({ filter: natives }, (args) => ({ path: args.path, namespace: 'dock-native' }));
      b.onLoad({ filter: /.*/, namespace: 'dock-native' }, (args) => ({
        contents: `module.exports = __dockNativeRequire(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const rel = path.relative(repoRoot, args.path).split(path.sep).join('/').replace(/\.ts$/, '.js');
        return {
          contents: asciiOnly(
            source.replaceAll('import.meta.url', `__dockModuleUrl(${JSON.stringify(rel)})`),
          ),
          loader: 'ts',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}

/**
 * Our source with every non-ASCII character written as a `\\u` escape. esbuild escapes them
 * in strings, but must keep them in tagged templates (html`…`); one such character makes V8 hold
 * the whole multi-megabyte script as a two-byte string, twice its size in every process and
 * worker (issue 17). Our tags read the cooked strings only (agent/web/html.ts), for which the
 * escape is the same text; in comments it does not matter.
 */
function asciiOnly(source: string): string {
  return source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Throws when a bundle still holds a non-ASCII character (a library's tagged template, say). */
async function assertAscii(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const at = text.search(/[\u0080-\uffff]/);
  if (at >= 0)
    throw new Error(
      `the bundle ${file} holds a non-ASCII character (…${text.slice(Math.max(0, at - 40), at + 10)}…), which doubles its memory in V8: escape it in the source, or extend asciiOnly in packaging/bundle.ts`,
    );
}

/** Bundle every spec into `appDir` (the future /usr/lib/recorder-dock). */
export async function bundleApp(repoRoot: string, appDir: string, specs = BUNDLES): Promise<void> {
  for (const spec of specs) {
    await build({
      absWorkingDir: repoRoot,
      entryPoints: [path.join(repoRoot, spec.entry)],
      outfile: path.join(appDir, spec.output),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      banner: { js: banner(spec.output) },
      plugins: [appLayoutPlugin(repoRoot)],
      // import.meta.resolve is only reached when running from TypeScript sources.
      logOverride: { 'empty-import-meta': 'silent' },
      logLevel: 'warning',
      legalComments: 'none',
      // Whitespace and comments out: comments of some libraries hold non-ASCII characters, which
      // would make V8 keep the whole script as a two-byte string (twice its size, issue 17).
      minifyWhitespace: true,
      sourcemap: false,
    });
    await assertAscii(path.join(appDir, spec.output));
  }
}
