import type { FingerprintSiteExtension } from '../../drivers/contract/fingerprints.ts';
import type { FootageKind } from '../../drivers/contract/ports.ts';
import type { SealTuning } from '../ingest/seal-pass.ts';
import type { DockPaths } from '../paths.ts';

/** When footage may be deleted from a recorder. */
export type WipePolicy = 'never' | 'after-seal' | 'after-forward-ack';

/** A host and port to listen on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** The vendor GA SDK, when configured. */
export interface GaSdkConfig {
  readonly libraryPath: string;
  readonly password: string;
  readonly idCode: string;
  readonly goneCodes: readonly number[];
  readonly callTimeoutMs: number;
}

/** The serial command channel, when configured. */
export interface SerialConfig {
  readonly password: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly busyDelayMs: number;
  readonly deviceUtcOffsetMinutes: number;
  readonly clockToleranceMs: number;
}

/** Mounting and walking recorder volumes. */
export interface MassStorageConfig {
  readonly fsOptions: Readonly<Record<string, readonly string[]>>;
  readonly nosymfollow: 'auto' | boolean;
  readonly extensions: Readonly<Record<string, FootageKind>>;
  readonly folders: readonly string[] | null;
  readonly limits: {
    readonly maxDepth: number;
    readonly maxEntries: number;
    readonly maxNameBytes: number;
    readonly maxPathBytes: number;
  };
  readonly mounter: 'helper' | 'direct';
  readonly helperSocket: string;
}

/**
 * The forwarder's section as validated against schemas/forwarder-config.schema.json (owned by
 * agent/forwarder/, which narrows it). A relative file target `dir` has been made absolute.
 */
export interface ForwarderSection {
  readonly target: { readonly type: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * The off-site copy's section (schemas/config.schema.json `offsite`, narrowed by
 * agent/offsite/offsite-config.ts). A relative folder target `dir` has been made absolute.
 */
export interface OffsiteSection {
  readonly target: { readonly type: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** R3 retention periods in months, the purge grace period and the space and scrub settings. */
export interface RetentionSection {
  readonly routineMonths: number;
  readonly evidenceMonthsAfterClose: number;
  readonly exportedMonths: number;
  readonly noValueMonths: number;
  readonly purgeGraceDays: number;
  readonly evictBelowPercent: number;
  readonly scrubDailyFraction: number;
}

/** The validated, migrated, fully defaulted configuration the daemon and dockctl run on. */
export interface DockConfig {
  readonly version: number;
  /** The file it came from, or "the embedded defaults". */
  readonly source: string;
  readonly paths: DockPaths;
  readonly ingest: {
    readonly tuning: SealTuning;
    /** Worker threads; null means one per core. */
    readonly maxConcurrentIngests: number | null;
    readonly stuckAfterMs: number;
  };
  readonly drivers: {
    readonly fingerprints: FingerprintSiteExtension;
    readonly gaSdk: GaSdkConfig | null;
    readonly serial: SerialConfig | null;
    readonly massStorage: MassStorageConfig;
  };
  readonly rules: {
    readonly lateIngestHours: number;
    readonly gapThresholdSeconds: number;
    readonly shiftBreakHours: number;
    readonly faultReportHours: number;
    readonly wipePolicy: WipePolicy;
    readonly timezone: string;
  };
  readonly ledger: {
    readonly checkpointEveryEvents: number;
    readonly checkpointEveryMinutes: number;
  };
  readonly forwarder: ForwarderSection;
  readonly offsite: OffsiteSection;
  readonly retention: RetentionSection;
  readonly web: {
    readonly listen: ListenAddress;
    readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
    readonly sessionIdleMinutes: number;
    /** Absolute: the configured folder, or <stateDir>/exports. */
    readonly exportsDir: string;
  };
  readonly alerts: { readonly storageLowPercent: number; readonly forwardBacklogHours: number };
  readonly health: { readonly listen: ListenAddress };
  readonly log: { readonly level: string };
}

/** The ledger's figures: its checkpoint cadence (`ledger.*`) and the R8 fault-report deadline. */
export function ledgerFigures(config: DockConfig): {
  readonly checkpointEveryEvents: number;
  readonly checkpointEveryMinutes: number;
  readonly faultReportHours: number;
} {
  return {
    checkpointEveryEvents: config.ledger.checkpointEveryEvents,
    checkpointEveryMinutes: config.ledger.checkpointEveryMinutes,
    faultReportHours: config.rules.faultReportHours,
  };
}
