import path from 'node:path';
import type { Logger } from 'pino';
import type { DockConfig } from '../config/dock-config.ts';
import type { LifecycleFace } from '../ledger/lifecycle-face.ts';
import { CopyWindows } from '../offsite/copy-windows.ts';
import { createOffsiteStore, parseOffsiteConfig } from '../offsite/offsite-config.ts';
import { OffsiteCopier } from '../offsite/offsite-copier.ts';
import type { OffsiteStore } from '../offsite/offsite-store.ts';
import { transfersOnThread } from '../offsite/transfer-thread.ts';
import { FetchBack } from './fetch-back.ts';
import { ledgerCopySource } from './ledger-copy-source.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import { LifecycleJobs } from './lifecycle-jobs.ts';
import type { RetentionPolicy } from './retention-policy.ts';

/** The R3 periods of the configuration, in the dock's time zone. */
export function retentionPolicyOf(config: DockConfig): RetentionPolicy {
  const r = config.retention;
  return {
    routineMonths: r.routineMonths,
    evidenceMonthsAfterClose: r.evidenceMonthsAfterClose,
    exportedMonths: r.exportedMonths,
    noValueMonths: r.noValueMonths,
    timeZone: config.rules.timezone,
  };
}

/** The footage lifecycle as dockd runs it. */
export interface Lifecycle {
  readonly store: OffsiteStore;
  readonly copier: OffsiteCopier;
  readonly jobs: LifecycleJobs;
  readonly fetchBack: FetchBack;
  readonly deps: LifecycleDeps;
  start(): void;
  stop(): Promise<void>;
}

/** The deps of the lifecycle's jobs over a store (dockd and dockctl alike). */
export function lifecycleDeps(
  config: DockConfig,
  ledger: LifecycleFace,
  store: OffsiteStore | null,
  logger: Logger,
  now: () => Date,
): LifecycleDeps {
  return {
    ledger,
    store,
    vaultDir: config.paths.vaultDir,
    stagingDir: config.paths.stagingDir,
    policy: retentionPolicyOf(config),
    settings: config.retention,
    logger,
    now,
  };
}

/**
 * Build the off-site store, the copier (which probes the store's WORM behaviour when it starts)
 * and the lifecycle's timers from the configuration. `start()` runs them; `stop()` ends them.
 */
export async function createLifecycle(
  config: DockConfig,
  ledger: LifecycleFace,
  logger: Logger,
  now: () => Date = () => new Date(),
  options: {
    /** Move footage on a thread of its own (dockd); dockctl's one-off runs stay on its thread. */
    readonly transferThread?: boolean;
  } = {},
): Promise<Lifecycle> {
  const offsite = parseOffsiteConfig(config.offsite);
  const store = await createOffsiteStore(offsite);
  const deps = lifecycleDeps(config, ledger, store, logger, now);
  const copier = new OffsiteCopier({
    store,
    ledger: ledgerCopySource({
      lifecycle: ledger,
      vaultDir: config.paths.vaultDir,
      policy: deps.policy,
      now,
    }),
    workDir: path.join(config.paths.stateDir, 'offsite'),
    windows: new CopyWindows(offsite.windows, config.rules.timezone),
    bytesPerSecond: offsite.bytesPerSecond,
    multipartThreshold: offsite.multipartThreshold,
    partSize: offsite.partSize,
    partConcurrency: offsite.partConcurrency,
    probeEveryMs: offsite.probeEveryMs,
    logger,
    now,
    ...(options.transferThread
      ? { transfers: transfersOnThread(offsite.target, offsite.windows, config.rules.timezone, logger) }
      : {}),
  });
  const jobs = new LifecycleJobs(deps);
  logger.info(
    { store: store.description, offsite: store.offsite, objectLock: store.lockMode },
    store.offsite
      ? 'off-site copies go to the configured store'
      : 'off-site copies go to a local folder: NOT off-site',
  );
  return {
    store,
    copier,
    jobs,
    fetchBack: new FetchBack(deps),
    deps,
    start() {
      copier.start();
      jobs.start();
    },
    async stop() {
      await copier.close();
      await jobs.stop();
      await store.close();
    },
  };
}
