import path from 'node:path';

/**
 * Every host path the agent touches, in one place. Production defaults follow the FHS; tests and
 * the demo pass their own root. Nothing else in the agent builds a host path from a constant.
 */
export interface DockPaths {
  /** Ledger database, keys, forwarder state. */
  readonly stateDir: string;
  /** Sealed footage, content-addressed, read-only files. */
  readonly vaultDir: string;
  /** Partial copies and their resume state; on the vault's file system so publishing is a link. */
  readonly stagingDir: string;
  /** Copies that failed verification, kept for inspection, never published. */
  readonly quarantineDir: string;
  /** Mount points for recorder volumes. */
  readonly mountDir: string;
  /** Sockets and other runtime files. */
  readonly runDir: string;
}

/** FHS defaults for a production box. */
export function defaultPaths(): DockPaths {
  return pathsUnder('/var/lib/recorder-dock', '/run/recorder-dock');
}

/** A complete path set below `stateRoot` (and `runRoot`, by default `stateRoot/run`). */
export function pathsUnder(stateRoot: string, runRoot = path.join(stateRoot, 'run')): DockPaths {
  const vaultDir = path.join(stateRoot, 'vault');
  return {
    stateDir: stateRoot,
    vaultDir,
    stagingDir: path.join(vaultDir, '.staging'),
    quarantineDir: path.join(vaultDir, '.quarantine'),
    mountDir: path.join(runRoot, 'mnt'),
    runDir: runRoot,
  };
}
