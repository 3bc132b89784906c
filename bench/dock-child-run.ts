import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundleApp } from '../packaging/bundle.ts';
import { WebClient } from '../test/fixtures/web/web-fixture.ts';
import type { DockChildConfig, DockChildResult } from './dock-child.ts';
import { shippedDockEnvironment } from './unit-environment.ts';

const repo = path.join(import.meta.dirname, '..');

/**
 * Bundle the scenario child as the package bundles dockd (CommonJS on plain node, the data
 * files in the app layout, linked from the repo); returns the app folder.
 */
export async function bundleDockChild(appDir: string): Promise<string> {
  await bundleApp(repo, appDir, [
    { entry: 'bench/dock-child.ts', output: 'bench/dock-child.cjs' },
    { entry: 'agent/ingest/sim-ingest-worker.ts', output: 'agent/ingest/sim-ingest-worker.js' },
    { entry: 'agent/dock/media-probe-worker.ts', output: 'agent/dock/media-probe-worker.js' },
  ]);
  const links = ['schemas', 'config', 'node_modules', 'drivers/fingerprints.json', 'agent/web/assets'];
  for (const rel of links) {
    await mkdir(path.dirname(path.join(appDir, rel)), { recursive: true });
    await symlink(path.join(repo, rel), path.join(appDir, rel));
  }
  // The bundles are CommonJS: the app folder's package.json must not say "module" as the repo's does.
  await writeFile(
    path.join(appDir, 'package.json'),
    '{ "name": "recorder-dock-bench", "type": "commonjs" }\n',
  );
  return appDir;
}

/**
 * Run one scenario in a child process with `threadpool` libuv pool threads (null: node's default),
 * timing `/api/now` as a logged-in manager from this process while the recorders copy.
 */
export async function runDockChild(
  appDir: string,
  cfg: DockChildConfig,
  threadpool: string | null,
): Promise<{ result: DockChildResult; apiNowMs: number[] }> {
  // As the unit starts dockd (NODE_OPTIONS, UV_THREADPOOL_SIZE), then the scenario's pool size.
  const env = { ...process.env, ...shippedDockEnvironment(repo) };
  if (threadpool === null) delete env.UV_THREADPOOL_SIZE;
  else env.UV_THREADPOOL_SIZE = threadpool;
  // DOCK_BENCH_NODE_ARGS: extra node flags for the child (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
  const nodeArgs = process.env.DOCK_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(appDir, 'bench', 'dock-child.cjs'), JSON.stringify(cfg)],
    {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const apiNowMs: number[] = [];
  let result: DockChildResult | null = null;
  let copied = false;
  let polling: Promise<void> = Promise.resolve();
  for await (const line of createInterface({ input: child.stdout })) {
    const msg = JSON.parse(line) as {
      ready?: { url: string; username: string; password: string };
      copied?: boolean;
      result?: DockChildResult;
    };
    if (msg.ready) {
      const client = new WebClient(msg.ready.url);
      const login = await client.login(msg.ready.username, msg.ready.password);
      if (login.status !== 303)
        throw new Error(`the bench could not log in to the page (HTTP ${login.status})`);
      child.stdin.write('go\n');
      polling = poll(client, apiNowMs, () => copied);
    }
    if (msg.copied) {
      copied = true;
      await polling;
      child.stdin.write('stop\n');
    }
    if (msg.result) {
      result = msg.result;
      child.stdin.end();
    }
  }
  await polling;
  const code = await exited;
  if (!result) throw new Error(`the dock bench child exited with code ${code} and no result`);
  return { result, apiNowMs };
}

/** Ask for `/api/now` every 100 ms until `stop()`, recording each answer's time in ms. */
async function poll(client: WebClient, into: number[], stop: () => boolean): Promise<void> {
  while (!stop()) {
    const t0 = performance.now();
    const res = await client.get('/api/now');
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`/api/now answered ${res.status} during the bench`);
    if (!stop()) into.push(ms);
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - ms)));
  }
}
