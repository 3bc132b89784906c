import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { RecorderWatcher } from '../drivers/detect/device-watcher.ts';
import type { DeviceEventSource } from '../drivers/detect/event-source.ts';
import { UdevadmSource } from '../drivers/detect/udevadm-source.ts';
import { UsbSource } from '../drivers/detect/usb-source.ts';
import { DefaultDriverFactory } from '../drivers/driver-factory.ts';
import { FingerprintTable } from '../drivers/fingerprint-table.ts';
import { LinuxVolumeMounter } from '../drivers/mass-storage/linux-mounter.ts';
import type { RecorderDriverFactory } from '../drivers/ports.ts';
import { openSerialLink } from '../drivers/serial/serial-link.ts';
import { type SimBus, simDriverFactory } from '../drivers/sim/sim-bus.ts';
import { DockManager } from './dock/dock-manager.ts';
import { DEFAULT_DOCK_RULES, type DockRules } from './dock/dock-rules.ts';
import type { DockResult } from './dock/dock-session.ts';
import { Ingester } from './ingest/ingester.ts';
import { DEFAULT_SEAL_TUNING, type SealTuning } from './ingest/seal-pass.ts';
import { VaultLayout } from './ingest/vault.ts';
import { IngestWorkerPool } from './ingest/worker-pool.ts';
import { Ledger } from './ledger/ledger.ts';
import { StatusFile } from './ops/status-file.ts';
import type { DockPaths } from './paths.ts';

/** Everything dockd needs to know, from the configuration file or the demo's defaults. */
export interface DockdSettings {
  readonly paths: DockPaths;
  readonly rules: DockRules;
  readonly tuning: SealTuning;
  /** Concurrent ingests across all recorders (default: the number of cores). */
  readonly maxConcurrentIngests: number;
  readonly massStorageTimeoutMs: number;
  readonly checkpointEveryEvents: number;
  readonly checkpointEveryMinutes: number;
  /** The site's extension of the fingerprint table (config `drivers.fingerprints`). */
  readonly fingerprintsSite?: unknown;
}

/** Defaults that run with no setup. */
export function defaultSettings(paths: DockPaths): DockdSettings {
  return {
    paths,
    rules: DEFAULT_DOCK_RULES,
    tuning: DEFAULT_SEAL_TUNING,
    maxConcurrentIngests: availableParallelism(),
    massStorageTimeoutMs: 30_000,
    checkpointEveryEvents: 100,
    checkpointEveryMinutes: 15,
  };
}

/** Which hardware dockd talks to: the machine's USB stack, or the simulator's bus. */
export type Hardware = { readonly kind: 'real' } | { readonly kind: 'sim'; readonly bus: SimBus };

/** A running dockd. */
export interface Dockd {
  readonly ledger: Ledger;
  readonly manager: DockManager;
  readonly watcher: RecorderWatcher;
  readonly ingester: Ingester;
  /** Stop taking recorders, end running sessions (partial copies stay for resume), close the ledger. */
  stop(): Promise<void>;
}

/**
 * The composition root: the only place that picks implementations. Opens the ledger, starts the
 * ingest pool, the watcher (udev + usb@3 for real hardware, the simulator's bus for the demo and
 * tests) and the dock manager, and the timers (checkpoints, status file).
 */
export async function startDockd(
  settings: DockdSettings,
  hardware: Hardware,
  logger: Logger,
  onResult: (r: DockResult) => void = () => {},
  now: () => Date = () => new Date(),
): Promise<Dockd> {
  const ledger = await Ledger.open({
    paths: settings.paths,
    logger: logger.child({ module: 'ledger' }),
    now,
    checkpointEveryEvents: settings.checkpointEveryEvents,
    checkpointEveryMinutes: settings.checkpointEveryMinutes,
  });
  const pool = new IngestWorkerPool(settings.maxConcurrentIngests);
  const ingestLog = logger.child({ module: 'ingest' });
  const ingester = new Ingester({
    pool,
    layout: new VaultLayout(settings.paths),
    logger: ingestLog,
    now,
    tuning: settings.tuning,
  });
  const driverLog = logger.child({ module: 'drivers' });
  const { sources, factory } = await pickHardware(hardware, settings, driverLog, now);
  const fingerprints = FingerprintTable.load({ site: settings.fingerprintsSite });
  const watcher = new RecorderWatcher({ sources, fingerprints, log: driverLog });
  const manager = new DockManager(
    {
      ledger,
      ingester,
      watcher,
      factory,
      rules: settings.rules,
      logger: logger.child({ module: 'dock' }),
      now,
      massStorageTimeoutMs: settings.massStorageTimeoutMs,
      isForwarded: () => false,
    },
    onResult,
  );
  await watcher.start();
  manager.start();
  const checkpoints = setInterval(() => ledger.checkpointIfDue(), 30_000);
  checkpoints.unref();
  const status = new StatusFile(path.join(settings.paths.runDir, 'status.json'), () => ({
    watcher: watcher.status(),
    dock: manager.status(),
    ledgerHead: ledger.head(),
  }));
  await status.start();
  return {
    ledger,
    manager,
    watcher,
    ingester,
    async stop() {
      clearInterval(checkpoints);
      await watcher.stop();
      await pool.close(); // running copies end here; their parts and resume states stay
      await manager.stop();
      await status.stop();
      ledger.checkpointNow();
      ledger.close();
    },
  };
}

async function pickHardware(
  hardware: Hardware,
  settings: DockdSettings,
  log: Logger,
  now: () => Date,
): Promise<{ sources: DeviceEventSource[]; factory: RecorderDriverFactory }> {
  if (hardware.kind === 'sim') {
    return { sources: [hardware.bus.source], factory: simDriverFactory(hardware.bus, { log, now }) };
  }
  const mounter = new LinuxVolumeMounter({ spawn, log, mountDir: settings.paths.mountDir });
  await mounter.cleanupStale();
  const factory = new DefaultDriverFactory({
    log,
    now,
    mounter,
    openSerial: (devNode) => openSerialLink(devNode),
  });
  return { sources: [new UdevadmSource({ spawn, log }), new UsbSource({ log })], factory };
}
