import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RecorderDriverFactory } from '../drivers/contract/ports.ts';
import { RecorderWatcher } from '../drivers/detect/device-watcher.ts';
import type { DeviceEventSource } from '../drivers/detect/event-source.ts';
import { UdevadmSource } from '../drivers/detect/udevadm-source.ts';
import { UsbSource } from '../drivers/detect/usb-source.ts';
import { DefaultDriverFactory } from '../drivers/driver-factory.ts';
import { FingerprintTable } from '../drivers/fingerprint-table.ts';
import { loadGaLibrary } from '../drivers/ga-sdk/ga-library.ts';
import { LinuxVolumeMounter } from '../drivers/mass-storage/linux-mounter.ts';
import { openSerialLink } from '../drivers/serial/serial-link.ts';
import { type SimBus, simDriverFactory } from '../drivers/sim/sim-bus.ts';
import { AlertMonitor, type AlertThresholds } from './alerts/alert-monitor.ts';
import type { DockConfig } from './config/dock-config.ts';
import { createVolumeMounter, gaSdkSettings, serialSettings, walkOptions } from './config/driver-settings.ts';
import { DockManager } from './dock/dock-manager.ts';
import { DEFAULT_DOCK_RULES, type DockRules } from './dock/dock-rules.ts';
import type { DockResult } from './dock/dock-session.ts';
import { buildLiveView } from './dock/live-view.ts';
import { IsolatedMediaProbe } from './dock/media-probe.ts';
import type { Forwarder } from './forwarder/forwarder.ts';
import { parseForwarderConfig } from './forwarder/forwarder-config.ts';
import { createForwarder } from './forwarder/forwarder-setup.ts';
import { Ingester } from './ingest/ingester.ts';
import { DEFAULT_SEAL_TUNING, type SealTuning } from './ingest/seal-pass.ts';
import { VaultLayout } from './ingest/vault.ts';
import { IngestWorkerPool, simWorkerUrl } from './ingest/worker-pool.ts';
import { Ledger } from './ledger/ledger.ts';
import { StatusFile } from './ops/status-file.ts';
import type { DockPaths } from './paths.ts';
import { zoneOffsetMs } from './reports/zoned-time.ts';
import { startWebServer, type WebServer } from './web/web-server.ts';

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
  /** The forwarder section of the config; none: nothing is forwarded. */
  readonly forwarder?: unknown;
  /** The validated config, for the real drivers (SDK library, serial, mount helper). */
  readonly config?: DockConfig;
  /** The equipment manager's page; none: not served (tests of the dock alone). */
  readonly web?: WebSettings;
  /** Thresholds of the dock's own alerts (storage, forwarding). */
  readonly alerts: AlertThresholds;
  /** The dock's IANA time zone, for the page and reports. */
  readonly timeZone: string;
}

/** Where and how the page is served. */
export interface WebSettings {
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  readonly exportsDir: string;
  readonly sessionIdleMinutes: number;
}

/** Settings from a validated configuration (the file in production, the embedded defaults for the demo). */
export function settingsFromConfig(config: DockConfig): DockdSettings {
  const r = config.rules;
  return {
    paths: config.paths,
    rules: {
      ...DEFAULT_DOCK_RULES,
      lateIngestHours: r.lateIngestHours,
      gapThresholdSeconds: r.gapThresholdSeconds,
      shiftBreakHours: r.shiftBreakHours,
      wipePolicy: r.wipePolicy,
      deviceUtcOffsetMinutes: utcOffsetMinutes(r.timezone),
    },
    tuning: config.ingest.tuning,
    maxConcurrentIngests: config.ingest.maxConcurrentIngests ?? availableParallelism(),
    massStorageTimeoutMs: 30_000,
    checkpointEveryEvents: config.ledger.checkpointEveryEvents,
    checkpointEveryMinutes: config.ledger.checkpointEveryMinutes,
    fingerprintsSite: config.drivers.fingerprints,
    forwarder: config.forwarder,
    config,
    web: {
      listen: config.web.listen,
      tls: config.web.tls
        ? { cert: readFileSync(config.web.tls.certFile), key: readFileSync(config.web.tls.keyFile) }
        : null,
      exportsDir: config.web.exportsDir,
      sessionIdleMinutes: config.web.sessionIdleMinutes,
    },
    alerts: config.alerts,
    timeZone: config.rules.timezone,
  };
}

/** The current UTC offset of an IANA time zone in minutes (Asia/Shanghai: 480). */
export function utcOffsetMinutes(timeZone: string, at = new Date()): number {
  return Math.round(zoneOffsetMs(at.getTime(), timeZone) / 60_000);
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
    alerts: { storageLowPercent: 10, forwardBacklogHours: 24 },
    timeZone: 'Asia/Shanghai',
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
  readonly forwarder: Forwarder | null;
  /** The page, when served. */
  readonly web: WebServer | null;
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
  const layout = new VaultLayout(settings.paths);
  await layout.ensureDirs(); // the vault exists from the first start (the storage check reads it)
  await layout.removeStaleTemporaries(); // what a kill left of durable writes in the staging area
  const pool = new IngestWorkerPool(
    settings.maxConcurrentIngests,
    hardware.kind === 'sim' ? simWorkerUrl() : undefined,
  );
  const ingestLog = logger.child({ module: 'ingest' });
  const probe = new IsolatedMediaProbe();
  const ingester = new Ingester({
    pool,
    layout,
    logger: ingestLog,
    now,
    tuning: settings.tuning,
  });
  const forwarder = settings.forwarder
    ? await createForwarder(parseForwarderConfig(settings.forwarder), {
        ledger,
        logger: logger.child({ module: 'forwarder' }),
        stateDir: settings.paths.stateDir,
        now,
      })
    : null;
  const driverLog = logger.child({ module: 'drivers' });
  const { sources, factory } = await pickHardware(hardware, settings, driverLog, now);
  const fingerprints = FingerprintTable.load({ site: settings.fingerprintsSite });
  const watcher = new RecorderWatcher({ sources, fingerprints, log: driverLog });
  const manager = new DockManager(
    {
      ledger: ledger.dock,
      ingester,
      watcher,
      factory,
      probe,
      rules: settings.rules,
      logger: logger.child({ module: 'dock' }),
      now,
      massStorageTimeoutMs: settings.massStorageTimeoutMs,
      isForwarded: (clipId) => forwarder?.isDelivered(`clip:${clipId}`) ?? false,
    },
    (result) => {
      forwarder?.notify();
      onResult(result);
    },
  );
  await forwarder?.start();
  await watcher.start();
  manager.start();
  const checkpoints = setInterval(() => ledger.checkpointIfDue(), 30_000);
  checkpoints.unref();
  const status = new StatusFile(path.join(settings.paths.runDir, 'status.json'), () => ({
    watcher: watcher.status(),
    dock: manager.status(),
    forwarder: forwarder?.status() ?? null,
    ledgerHead: ledger.head(),
  }));
  await status.start();
  const monitor = new AlertMonitor({
    ledger,
    vaultDir: settings.paths.vaultDir,
    forwarder: () => forwarder?.status() ?? null,
    thresholds: settings.alerts,
    logger: logger.child({ module: 'alerts' }),
    now,
  });
  monitor.start();
  const web = settings.web
    ? await startWebServer({
        ledger,
        logger: logger.child({ module: 'web' }),
        now,
        live: () =>
          buildLiveView({
            ledger,
            dock: () => manager.status(),
            usbBus: () => watcher.status().usbBus,
            forwarder: () => forwarder?.status() ?? null,
            now,
          }),
        paths: settings.paths,
        exportsDir: settings.web.exportsDir,
        unit: settings.config?.unit ?? null,
        readiness: settings.rules,
        timeZone: settings.timeZone,
        listen: settings.web.listen,
        tls: settings.web.tls,
        sessionIdleMinutes: settings.web.sessionIdleMinutes,
      })
    : null;
  return {
    ledger,
    manager,
    watcher,
    ingester,
    forwarder,
    web,
    async stop() {
      await web?.close();
      await monitor.stop();
      clearInterval(checkpoints);
      await watcher.stop();
      await pool.close(); // running copies end here; their parts and resume states stay
      await manager.stop();
      await probe.close();
      await status.stop();
      ledger.checkpointNow();
      await forwarder?.stop();
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
  const config = settings.config;
  const mounter = config
    ? createVolumeMounter(config, { spawn, log })
    : new LinuxVolumeMounter({ spawn, log, mountDir: settings.paths.mountDir });
  if (mounter instanceof LinuxVolumeMounter) await mounter.cleanupStale();
  const ga = config?.drivers.gaSdk ?? null;
  const sdk = ga ? loadGaLibrary(ga.libraryPath, { callTimeoutMs: ga.callTimeoutMs }) : null;
  const factory = new DefaultDriverFactory({
    log,
    now,
    mounter,
    walk: config ? walkOptions(config.drivers.massStorage) : undefined,
    gaSdkFor: () => sdk,
    gaSettings: ga ? gaSdkSettings(ga) : undefined,
    openSerial: (devNode) => openSerialLink(devNode),
    serialSettings: config?.drivers.serial ? serialSettings(config.drivers.serial) : undefined,
  });
  return { sources: [new UdevadmSource({ spawn, log }), new UsbSource({ log })], factory };
}
