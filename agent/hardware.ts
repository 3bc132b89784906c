import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { RecorderDriverFactory, SpawnFn, VolumeMounter } from '../drivers/contract/ports.ts';
import type { DeviceEventSource } from '../drivers/detect/event-source.ts';
import { UdevadmSource } from '../drivers/detect/udevadm-source.ts';
import { UsbSource } from '../drivers/detect/usb-source.ts';
import { DefaultDriverFactory } from '../drivers/driver-factory.ts';
import type { GaSdkSettings } from '../drivers/ga-sdk/ga-driver.ts';
import { loadGaLibrary } from '../drivers/ga-sdk/ga-library.ts';
import { FootageTypes } from '../drivers/mass-storage/footage-types.ts';
import { LinuxVolumeMounter } from '../drivers/mass-storage/linux-mounter.ts';
import { PrivilegedVolumeMounter } from '../drivers/mass-storage/privileged-mounter.ts';
import type { WalkOptions } from '../drivers/mass-storage/safe-walk.ts';
import type { SerialSettings } from '../drivers/serial/serial-driver.ts';
import { openSerialLink } from '../drivers/serial/serial-link.ts';
import { type SimBus, simDriverFactory } from '../drivers/sim/sim-bus.ts';
import type { DockConfig, GaSdkConfig, MassStorageConfig, SerialConfig } from './config/dock-config.ts';

/** Which hardware dockd talks to: the machine's USB stack, or the simulator's bus. */
export type Hardware = { readonly kind: 'real' } | { readonly kind: 'sim'; readonly bus: SimBus };

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
    limits: ms.limits,
  });
}

/**
 * The device sources and driver factory of the chosen hardware, built from the configuration's
 * plain driver settings: udev + usb@3 and the real drivers, or the simulator's bus.
 */
export async function openHardware(
  hardware: Hardware,
  config: DockConfig,
  log: Logger,
  now: () => Date,
): Promise<{ sources: DeviceEventSource[]; factory: RecorderDriverFactory }> {
  if (hardware.kind === 'sim') {
    return { sources: [hardware.bus.source], factory: simDriverFactory(hardware.bus, { log, now }) };
  }
  const mounter = createVolumeMounter(config, { spawn, log });
  if (mounter instanceof LinuxVolumeMounter) await mounter.cleanupStale();
  const ga = config.drivers.gaSdk;
  const sdk = ga ? loadGaLibrary(ga.libraryPath, { callTimeoutMs: ga.callTimeoutMs }) : null;
  const serial = config.drivers.serial;
  const factory = new DefaultDriverFactory({
    log,
    now,
    mounter,
    walk: walkOptions(config.drivers.massStorage),
    gaSdkFor: () => sdk,
    gaSettings: ga ? gaSdkSettings(ga) : undefined,
    openSerial: (devNode) => openSerialLink(devNode),
    serialSettings: serial ? serialSettings(serial) : undefined,
  });
  return { sources: [new UdevadmSource({ spawn, log }), new UsbSource({ log })], factory };
}
