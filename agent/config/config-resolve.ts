import path from 'node:path';
import type { FingerprintSiteExtension } from '../../drivers/contract/fingerprints.ts';
import type { DockPaths } from '../paths.ts';
import { parseByteSize } from './byte-size.ts';
import type {
  DockConfig,
  ForwarderSection,
  GaSdkConfig,
  MassStorageConfig,
  SerialConfig,
} from './dock-config.ts';
import type { KeySegments } from './key-path.ts';

/** The roots unset path keys are derived from: FHS in production, a folder for demo and tests. */
export interface PathDefaults {
  readonly stateDir: string;
  readonly runDir: string;
}

/** Production defaults (FHS). */
export const FHS_PATH_DEFAULTS: PathDefaults = {
  stateDir: '/var/lib/recorder-dock',
  runDir: '/run/recorder-dock',
};

/** A problem found after the schema passed, before it is given a line and original path. */
export interface RawProblem {
  readonly at: KeySegments;
  readonly message: string;
  readonly hint: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const bytes = (v: unknown): number => parseByteSize(v) ?? 0;

/**
 * Every path, each from the file or derived from the others like `pathsUnder`; `stateDir`, when
 * given, wins over the file's.
 */
export function resolvePaths(section: Obj, defaults: PathDefaults, stateDirOverride?: string): DockPaths {
  const get = (k: string) => (typeof section[k] === 'string' ? (section[k] as string) : undefined);
  const stateDir = stateDirOverride ?? get('stateDir') ?? defaults.stateDir;
  const runDir = get('runDir') ?? defaults.runDir;
  const vaultDir = get('vaultDir') ?? path.join(stateDir, 'vault');
  return {
    stateDir,
    vaultDir,
    stagingDir: get('stagingDir') ?? path.join(vaultDir, '.staging'),
    quarantineDir: get('quarantineDir') ?? path.join(vaultDir, '.quarantine'),
    mountDir: get('mountDir') ?? path.join(runDir, 'mnt'),
    runDir,
  };
}

function gaSdk(raw: unknown): GaSdkConfig | null {
  if (raw === undefined) return null;
  const g = obj(raw);
  return {
    libraryPath: g.libraryPath as string,
    password: g.password as string,
    idCode: g.idCode as string,
    goneCodes: g.goneCodes as number[],
    callTimeoutMs: g.callTimeoutMs as number,
  };
}

function serial(raw: unknown): SerialConfig | null {
  if (raw === undefined) return null;
  const s = obj(raw);
  return {
    password: s.password as string,
    timeoutMs: s.timeoutMs as number,
    retries: s.retries as number,
    busyDelayMs: s.busyDelayMs as number,
    deviceUtcOffsetMinutes: s.deviceUtcOffsetMinutes as number,
    clockToleranceMs: s.clockToleranceMs as number,
  };
}

function massStorage(raw: Obj): MassStorageConfig {
  return {
    fsOptions: raw.fsOptions as MassStorageConfig['fsOptions'],
    nosymfollow: raw.nosymfollow as MassStorageConfig['nosymfollow'],
    extensions: raw.extensions as MassStorageConfig['extensions'],
    folders: raw.folders as string[] | null,
    limits: raw.limits as MassStorageConfig['limits'],
    mounter: raw.mounter as MassStorageConfig['mounter'],
    helperSocket: raw.helperSocket as string,
  };
}

/** A section whose `target` may be a folder (`folderType`) with a `dir` taken below stateDir. */
function withFolderTarget(raw: Obj, stateDir: string, folderType = 'file'): ForwarderSection {
  const target = obj(raw.target);
  const dir = target.dir;
  const resolved =
    target.type === folderType && typeof dir === 'string'
      ? { ...target, dir: path.resolve(stateDir, dir) }
      : target;
  return { ...raw, target: resolved as ForwarderSection['target'] };
}

function web(w: Obj, stateDir: string): DockConfig['web'] {
  return {
    listen: w.listen as DockConfig['web']['listen'],
    tls: (w.tls as DockConfig['web']['tls'] | undefined) ?? null,
    sessionIdleMinutes: w.sessionIdleMinutes as number,
    exportsDir: (w.exportsDir as string | null | undefined) ?? path.join(stateDir, 'exports'),
  };
}

/**
 * The typed configuration from a document the schema accepted (defaults filled in). Relative
 * forwarder file targets are taken below the state folder.
 */
export function resolveConfig(
  doc: Obj,
  source: string,
  defaults: PathDefaults,
  stateDirOverride?: string,
): DockConfig {
  const paths = resolvePaths(obj(doc.paths), defaults, stateDirOverride);
  const ingest = obj(doc.ingest);
  const drivers = obj(doc.drivers);
  return {
    version: doc.version as number,
    source,
    paths,
    ingest: {
      tuning: {
        bufferBytes: bytes(ingest.bufferBytes),
        checkpointBytes: bytes(ingest.checkpointBytes),
        writebackBytes: bytes(ingest.writebackBytes),
      },
      maxConcurrentIngests: (ingest.maxConcurrentIngests as number | undefined) ?? null,
      stuckAfterMs: (ingest.stuckAfterSeconds as number) * 1000,
    },
    drivers: {
      fingerprints: drivers.fingerprints as FingerprintSiteExtension,
      gaSdk: gaSdk(drivers.gaSdk),
      serial: serial(drivers.serial),
      massStorage: massStorage(obj(drivers.massStorage)),
    },
    rules: obj(doc.rules) as unknown as DockConfig['rules'],
    ledger: obj(doc.ledger) as unknown as DockConfig['ledger'],
    forwarder: withFolderTarget(obj(doc.forwarder), paths.stateDir),
    offsite: withFolderTarget(obj(doc.offsite), paths.stateDir, 'folder') as DockConfig['offsite'],
    retention: obj(doc.retention) as unknown as DockConfig['retention'],
    web: web(obj(doc.web), paths.stateDir),
    alerts: obj(doc.alerts) as unknown as DockConfig['alerts'],
    health: obj(doc.health) as unknown as DockConfig['health'],
    log: obj(doc.log) as unknown as DockConfig['log'],
  };
}
