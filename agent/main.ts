import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { RecorderWatcher } from '../drivers/detect/device-watcher.ts';
import { FingerprintTable } from '../drivers/fingerprint-table.ts';
import { AlertMonitor } from './alerts/alert-monitor.ts';
import { type DockConfig, ledgerFigures } from './config/dock-config.ts';
import { DockManager } from './dock/dock-manager.ts';
import { DEFAULT_DOCK_RULES, type DockRules } from './dock/dock-rules.ts';
import type { DockResult } from './dock/dock-session.ts';
import { buildLiveView } from './dock/live-view.ts';
import { IsolatedMediaProbe } from './dock/media-probe.ts';
import type { Forwarder } from './forwarder/forwarder.ts';
import { parseForwarderConfig } from './forwarder/forwarder-config.ts';
import { createForwarder } from './forwarder/forwarder-setup.ts';
import { type Hardware, openHardware } from './hardware.ts';
import { Ingester } from './ingest/ingester.ts';
import { StagingArea } from './ingest/staging-area.ts';
import { VaultLayout } from './ingest/vault.ts';
import { IngestWorkerPool, simWorkerUrl } from './ingest/worker-pool.ts';
import { Ledger } from './ledger/ledger.ts';
import { createLifecycle, type Lifecycle } from './lifecycle/lifecycle-setup.ts';
import { StatusFile } from './ops/status-file.ts';
import { fixMallocMmapThreshold } from './os/malloc-tuning.ts';
import { favourMemoryOverSpeed } from './os/v8-memory.ts';
import { utcOffsetMinutes } from './time/zoned-time.ts';
import { startWebServer, type WebServer } from './web/web-server.ts';

export type { Hardware } from './hardware.ts';

/** How long a recorder switching to mass storage may take to come back as a disk. */
const MASS_STORAGE_TIMEOUT_MS = 30_000;
/** A partial copy not resumed for this long is removed at start (its recorder has not been back). */
const STALE_PART_MS = 30 * 86_400_000;

/** A running dockd. */
export interface Dockd {
  readonly ledger: Ledger;
  readonly manager: DockManager;
  readonly watcher: RecorderWatcher;
  readonly ingester: Ingester;
  readonly forwarder: Forwarder;
  /** The page. */
  readonly web: WebServer;
  /** Off-site copies, retention, holds, purges, scrub and space (issue 15). */
  readonly lifecycle: Lifecycle;
  /** Stop taking recorders, end running sessions (partial copies stay for resume), close the ledger. */
  stop(): Promise<void>;
}

/** What dockd takes beside its configuration. */
export interface DockdOptions {
  /** Told of every dock session that ends (the demo's screen, tests). */
  readonly onResult?: (r: DockResult) => void;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

/** The dock's rules from `rules.*`; the readiness figures (battery, free storage) are the dock's own. */
export function dockRulesFrom(config: DockConfig): DockRules {
  const r = config.rules;
  return {
    ...DEFAULT_DOCK_RULES,
    lateIngestHours: r.lateIngestHours,
    gapThresholdSeconds: r.gapThresholdSeconds,
    shiftBreakHours: r.shiftBreakHours,
    wipePolicy: r.wipePolicy,
    deviceUtcOffsetMinutes: utcOffsetMinutes(r.timezone),
  };
}

/**
 * The composition root: the only place that picks implementations. From the validated
 * configuration (the file in production, the embedded defaults for the demo and tests) it opens
 * the ledger, starts the ingest pool, the forwarder, the watcher (udev + usb@3 for real hardware,
 * the simulator's bus for the demo and tests), the dock manager, the timers and the page.
 */
export async function startDockd(
  config: DockConfig,
  hardware: Hardware,
  logger: Logger,
  options: DockdOptions = {},
): Promise<Dockd> {
  const now = options.now ?? (() => new Date());
  const ledger = await Ledger.open({
    paths: config.paths,
    logger: logger.child({ module: 'ledger' }),
    now,
    ...ledgerFigures(config),
  });
  const { pool, ingester, vault } = await startIngest(config, hardware, logger, now);
  const probe = new IsolatedMediaProbe();
  const forwarder = await createForwarder(parseForwarderConfig(config.forwarder), {
    ledger,
    logger: logger.child({ module: 'forwarder' }),
    stateDir: config.paths.stateDir,
    now,
  });
  const lifecycle = await createLifecycle(
    config,
    ledger.lifecycle,
    logger.child({ module: 'lifecycle' }),
    now,
    { transferThread: true },
  );
  const { watcher, manager } = await startDocking(config, hardware, logger, {
    ledger,
    ingester,
    vault,
    probe,
    forwarder,
    now,
    onResult: (r) => {
      lifecycle.copier.notify();
      options.onResult?.(r);
    },
  });
  await forwarder.start();
  lifecycle.start();
  const timers = await startTimers(config, logger, { ledger, watcher, manager, forwarder, now });
  const web = await startPage(config, logger, { ledger, watcher, manager, forwarder, now, lifecycle });
  return {
    ledger,
    manager,
    watcher,
    ingester,
    forwarder,
    web,
    lifecycle,
    async stop() {
      await web.close();
      await timers.stop();
      await watcher.stop();
      await pool.close(); // running copies end here; their parts and resume states stay
      await manager.stop();
      await lifecycle.stop();
      await probe.close();
      await timers.stopStatus();
      ledger.checkpointNow();
      await forwarder.stop();
      ledger.close();
    },
  };
}

/** The vault made ready (folders, leftovers of a kill removed) and the ingest pool on it. */
async function startIngest(config: DockConfig, hardware: Hardware, logger: Logger, now: () => Date) {
  favourMemoryOverSpeed(); // before the workers start: their heaps take it too
  const malloc = fixMallocMmapThreshold(); // before the workers start: their buffers leave RSS when freed
  logger.child({ module: 'ingest' }).info({ malloc }, 'malloc mmap threshold');
  const layout = new VaultLayout(config.paths);
  await layout.ensureDirs(); // the vault exists from the first start (the storage check reads it)
  await layout.removeStaleTemporaries(); // what a kill left of durable writes in the staging area
  const staging = new StagingArea(config.paths.stagingDir, logger.child({ module: 'ingest' }));
  await staging.removeStale(now(), STALE_PART_MS); // parts nothing can resume any more
  const pool = new IngestWorkerPool(
    config.ingest.maxConcurrentIngests ?? availableParallelism(),
    hardware.kind === 'sim' ? simWorkerUrl() : undefined,
  );
  const ingester = new Ingester({
    pool,
    layout,
    logger: logger.child({ module: 'ingest' }),
    now,
    tuning: config.ingest.tuning,
  });
  return { pool, ingester, vault: layout };
}

interface Parts {
  readonly ledger: Ledger;
  readonly forwarder: Forwarder;
  readonly now: () => Date;
}

interface Running extends Parts {
  readonly watcher: RecorderWatcher;
  readonly manager: DockManager;
}

/** The watcher over the chosen hardware and the dock manager, started. */
async function startDocking(
  config: DockConfig,
  hardware: Hardware,
  logger: Logger,
  parts: Parts & {
    readonly ingester: Ingester;
    readonly vault: VaultLayout;
    readonly probe: IsolatedMediaProbe;
    readonly onResult: (r: DockResult) => void;
  },
): Promise<{ watcher: RecorderWatcher; manager: DockManager }> {
  const { ledger, forwarder, now } = parts;
  const driverLog = logger.child({ module: 'drivers' });
  const { sources, factory } = await openHardware(hardware, config, driverLog, now);
  const fingerprints = FingerprintTable.load({ site: config.drivers.fingerprints });
  const watcher = new RecorderWatcher({ sources, fingerprints, log: driverLog });
  const manager = new DockManager(
    {
      ledger: ledger.dock,
      ingester: parts.ingester,
      watcher,
      factory,
      probe: parts.probe,
      rules: dockRulesFrom(config),
      logger: logger.child({ module: 'dock' }),
      now,
      massStorageTimeoutMs: MASS_STORAGE_TIMEOUT_MS,
      vaultHolds: (sha256, size) => parts.vault.holds(sha256, size),
      staging: {
        area: new StagingArea(config.paths.stagingDir, logger.child({ module: 'dock' })),
        sealedPath: (sha256) => parts.vault.sealedPath(sha256),
      },
      isForwarded: (clipId) => forwarder.isDelivered(`clip:${clipId}`),
    },
    (result) => {
      forwarder.notify();
      parts.onResult(result);
    },
  );
  await watcher.start();
  manager.start();
  return { watcher, manager };
}

/** Checkpoints every 30 s when due, the status file for dockctl, and the dock's own alerts. */
async function startTimers(config: DockConfig, logger: Logger, parts: Running) {
  const { ledger, watcher, manager, forwarder, now } = parts;
  const checkpoints = setInterval(() => ledger.checkpointIfDue(), 30_000);
  checkpoints.unref();
  const status = new StatusFile(path.join(config.paths.runDir, 'status.json'), () => ({
    watcher: watcher.status(),
    dock: manager.status(),
    forwarder: forwarder.status(),
    ledgerHead: ledger.head(),
  }));
  await status.start();
  const monitor = new AlertMonitor({
    ledger,
    vaultDir: config.paths.vaultDir,
    forwarder: () => forwarder.status(),
    thresholds: config.alerts,
    logger: logger.child({ module: 'alerts' }),
    now,
  });
  monitor.start();
  return {
    async stop() {
      await monitor.stop();
      clearInterval(checkpoints);
    },
    stopStatus: () => status.stop(),
  };
}

/** The equipment manager's page; a recorder the manager accepts is docked again at once. */
function startPage(
  config: DockConfig,
  logger: Logger,
  parts: Running & { lifecycle: Lifecycle },
): Promise<WebServer> {
  const { ledger, watcher, manager, forwarder, now } = parts;
  const { web } = config;
  return startWebServer({
    ledger,
    logger: logger.child({ module: 'web' }),
    now,
    live: () =>
      buildLiveView({
        ledger,
        dock: () => manager.status(),
        usbBus: () => watcher.status().usbBus,
        forwarder: () => forwarder.status(),
        now,
      }),
    paths: config.paths,
    exportsDir: web.exportsDir,
    unit: config.unit,
    readiness: dockRulesFrom(config),
    timeZone: config.rules.timezone,
    listen: web.listen,
    tls: web.tls ? { cert: readFileSync(web.tls.certFile), key: readFileSync(web.tls.keyFile) } : null,
    sessionIdleMinutes: web.sessionIdleMinutes,
    onRecorderDecision: (serial, decision) => {
      if (decision === 'accept') manager.recheck(serial);
    },
    lifecycle: parts.lifecycle,
  });
}
