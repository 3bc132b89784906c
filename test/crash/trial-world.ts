import { lchown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { simCacheDir } from '../../drivers/sim/sim-cache.ts';
import { chownTree, type ServiceUser } from './service-user.ts';

/** Where one trial keeps everything. `world/` is the service user's; the rest is the harness's. */
export interface TrialPaths {
  readonly root: string;
  /** Run specs, logs and results (root's). */
  readonly harness: string;
  /** Everything dockd touches; owned by the service user, checked to stay so. */
  readonly world: string;
  readonly config: string;
  readonly stateDir: string;
  readonly vaultDir: string;
  readonly runDir: string;
  /** The central store: the forwarder's file target. Never on the power-cut layer (it is remote). */
  readonly central: string;
  readonly tmp: string;
  readonly failpointCounts: string;
  /** With the power-cut layer: its backing folder (outside `world`) and mount point. */
  readonly layer: {
    readonly backing: string;
    readonly mountPoint: string;
    readonly socket: string;
    readonly log: string;
  } | null;
}

/** The paths of a trial under `root`, with vault and state on the power-cut layer or not. */
export function trialPaths(root: string, onLayer: boolean): TrialPaths {
  const world = path.join(root, 'world');
  const disk = onLayer ? path.join(world, 'disk') : world;
  return {
    root,
    harness: path.join(root, 'harness'),
    world,
    config: path.join(world, 'config.yaml'),
    stateDir: path.join(disk, 'state'),
    vaultDir: path.join(disk, 'vault'),
    runDir: path.join(world, 'run'),
    central: path.join(world, 'central'),
    tmp: path.join(world, 'tmp'),
    failpointCounts: path.join(world, 'failpoints'),
    layer: onLayer
      ? {
          backing: path.join(root, 'layer', 'fs'),
          mountPoint: disk,
          socket: path.join(root, 'layer', 'control.sock'),
          log: path.join(root, 'harness', 'layer.log'),
        }
      : null,
  };
}

/**
 * The configuration dockd and dockctl read: a vault on its own folder (as config/example.yaml
 * recommends), the file target as the central store, small copy blocks and checkpoints so a
 * few megabytes cross many of them, a forwarder that polls every second, debug logs, and the
 * page on a loopback port of its own (trials run side by side).
 */
export function trialConfig(p: TrialPaths, webPort: number): string {
  return `# written by test/crash/trial-world.ts
version: 2
paths:
  stateDir: ${p.stateDir}
  vaultDir: ${p.vaultDir}
  runDir: ${p.runDir}
ingest:
  bufferBytes: 256 KiB
  checkpointBytes: 1 MiB
  writebackBytes: 1 MiB
  maxConcurrentIngests: 2
forwarder:
  target:
    type: file
    dir: ${p.central}
  pollSeconds: 1
  backoff:
    initialMs: 200
    maxMs: 2000
rules:
  wipePolicy: after-seal
log:
  level: debug
web:
  listen:
    host: 127.0.0.1
    port: ${webPort}
`;
}

/**
 * Create the folders dockd expects to exist, owned by the service user: the state and vault
 * folders as the package's tmpfiles.d and an administrator make them, long before any docking
 * (on the power-cut layer they go into the backing folder, so they are durable from the start).
 */
export async function prepareWorld(p: TrialPaths, user: ServiceUser): Promise<void> {
  for (const dir of [
    p.harness,
    p.world,
    p.runDir,
    p.central,
    p.tmp,
    p.failpointCounts,
    path.join(p.world, 'recorders'),
  ])
    await mkdir(dir, { recursive: true, mode: 0o755 });
  const disk = p.layer ? p.layer.backing : path.dirname(p.stateDir);
  for (const dir of [path.join(disk, 'state'), path.join(disk, 'vault')])
    await mkdir(dir, { recursive: true, mode: 0o750 });
  if (p.layer) {
    await mkdir(p.layer.mountPoint, { recursive: true });
    await chownTree(p.layer.backing, user);
  }
  await writeFile(p.config, trialConfig(p, await freePort()), { mode: 0o644 });
  await chownTree(p.world, user);
  // The simulator's compiled GA library, prebuilt by the harness: the user only reads it.
  const cache = path.join(p.tmp, path.basename(simCacheDir()));
  await symlink(simCacheDir(), cache);
  await lchown(cache, user.uid, user.gid);
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
