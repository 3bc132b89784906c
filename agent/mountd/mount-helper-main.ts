import { spawn } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { SpawnFn } from '../../drivers/contract/ports.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { DEFAULT_HELPER_SOCKET } from '../../drivers/mass-storage/mount-helper-protocol.ts';
import { ConfigError, formatConfigError, isConfigError } from '../config/config-error.ts';
import { loadConfig, PRODUCTION_CONFIG_FILE } from '../config/config-loader.ts';
import type { MassStorageConfig } from '../config/dock-config.ts';
import { createRootLogger, moduleLogger } from '../ops/logger.ts';
import { DEFAULT_ADMISSION_PATHS, diskRefusal } from './device-admission.ts';
import { type ListenTarget, MountHelperServer } from './mount-helper-server.ts';
import { lookupAccount, type ServiceAccount } from './service-account.ts';

const USAGE = `usage: recorder-dock-mountd [--config FILE] [--user NAME] [--socket PATH] [--idle-exit SECONDS]

The privileged mount helper of recorder-dock: mounts recorder disks read-only for the agent,
and deletes one sealed file at a time for it (the agent never gets a writable volume).
Normally started by systemd on the first connection to recorder-dock-mountd.socket.
`;

/** The file systems the helper mounts, and the options that give the agent's user the files. */
export function helperFsOptions(ms: MassStorageConfig, account: ServiceAccount): Record<string, string[]> {
  const owner = [`uid=${account.uid}`, `gid=${account.gid}`, 'fmask=0137', 'dmask=0027'];
  const out: Record<string, string[]> = {};
  for (const fs of ['vfat', 'exfat']) out[fs] = [...(ms.fsOptions[fs] ?? []), ...owner];
  return out;
}

function listenTarget(env: NodeJS.ProcessEnv, socketPath: string, gid: number): ListenTarget {
  // sd_listen_fds(3): the first passed descriptor is 3.
  if (env.LISTEN_PID === String(process.pid) && Number(env.LISTEN_FDS) >= 1) return { fd: 3 };
  return { path: socketPath, gid };
}

async function start(argv: string[], log: Logger, version: string): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      user: { type: 'string' },
      socket: { type: 'string' },
      'idle-exit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { config } = await loadConfig(values.config ?? PRODUCTION_CONFIG_FILE);
  const userName = values.user ?? 'recorder-dock';
  const account = await lookupAccount(userName);
  if (!account)
    throw new ConfigError('the mount helper command line', [
      {
        path: '--user',
        line: null,
        message: `names no local user (${userName})`,
        hint: 'reinstall the package, which creates it',
      },
    ]);
  const ms = config.drivers.massStorage;
  const mountDir = config.paths.mountDir;
  await mkdir(mountDir, { recursive: true, mode: 0o750 });
  await chown(mountDir, 0, account.gid);
  const mounter = new LinuxVolumeMounter({
    spawn: spawn as unknown as SpawnFn,
    log: moduleLogger(log, 'linux-mounter'),
    mountDir,
    fsOptions: helperFsOptions(ms, account),
    nosymfollow: ms.nosymfollow,
    limits: ms.limits,
  });
  const idleSeconds = Number(values['idle-exit'] ?? 600);
  const server = new MountHelperServer({
    mounter,
    admit: (devNode) => diskRefusal(devNode, { paths: DEFAULT_ADMISSION_PATHS, mountDir }),
    mountDir,
    log: moduleLogger(log, 'mount-helper'),
    version,
    idleExitMs: idleSeconds > 0 ? idleSeconds * 1000 : undefined,
    onIdle: () => {
      log.info('mount helper idle; exiting until the next connection');
      server.close().then(() => process.exit(0));
    },
  });
  const socketPath = values.socket ?? ms.helperSocket ?? DEFAULT_HELPER_SOCKET;
  await server.listen(listenTarget(process.env, socketPath, account.gid));
  log.info({ mountDir, user: account.name }, 'mount helper ready');
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return -1; // keep running
}

/** Entry of recorder-dock-mountd; resolves with an exit code, or -1 while it keeps serving. */
export async function mountHelperMain(argv: string[], version: string): Promise<number> {
  const log = createRootLogger();
  try {
    return await start(argv, log, version);
  } catch (err) {
    if (isConfigError(err)) {
      process.stderr.write(`recorder-dock-mountd: ${formatConfigError(err)}\n`);
      return err.exitCode;
    }
    process.stderr.write(`recorder-dock-mountd: ${(err as Error).message}\n`);
    return 70;
  }
}
