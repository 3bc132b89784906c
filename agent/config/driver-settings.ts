import type { Logger } from 'pino';
import type { SpawnFn, VolumeMounter } from '../../drivers/contract/ports.ts';
import type { GaSdkSettings } from '../../drivers/ga-sdk/ga-driver.ts';
import { FootageTypes } from '../../drivers/mass-storage/footage-types.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';
import type { WalkOptions } from '../../drivers/mass-storage/safe-walk.ts';
import type { SerialSettings } from '../../drivers/serial/serial-driver.ts';
import type { DockConfig, GaSdkConfig, MassStorageConfig, SerialConfig } from './dock-config.ts';

/** The GA driver's settings from `drivers.gaSdk` (the library itself: `loadGaLibrary(libraryPath, { callTimeoutMs })`). */
export function gaSdkSettings(ga: GaSdkConfig): GaSdkSettings {
  return { password: ga.password, idCode: ga.idCode, goneCodes: ga.goneCodes };
}

/** The serial driver's settings from `drivers.serial`. */
export function serialSettings(s: SerialConfig): SerialSettings {
  return {
    password: s.password,
    timeoutMs: s.timeoutMs,
    retries: s.retries,
    busyDelayMs: s.busyDelayMs,
    deviceUtcOffsetMinutes: s.deviceUtcOffsetMinutes,
    clockToleranceMs: s.clockToleranceMs,
  };
}

/** The safe walk's options from `drivers.massStorage`. */
export function walkOptions(ms: MassStorageConfig): WalkOptions {
  return { limits: ms.limits, footage: new FootageTypes(ms.extensions), folders: ms.folders };
}

/**
 * The volume mounter the config asks for: the privileged helper over its socket (the service
 * runs unprivileged), or mounting in-process (`mounter: direct`, the agent must be root).
 */
export function createVolumeMounter(
  config: DockConfig,
  deps: { readonly spawn: SpawnFn; readonly log: Logger },
): VolumeMounter {
  const ms = config.drivers.massStorage;
  if (ms.mounter === 'helper')
    return new PrivilegedVolumeMounter({ socketPath: ms.helperSocket, log: deps.log });
  return new LinuxVolumeMounter({
    spawn: deps.spawn,
    log: deps.log,
    mountDir: config.paths.mountDir,
    fsOptions: ms.fsOptions,
    nosymfollow: ms.nosymfollow,
  });
}
