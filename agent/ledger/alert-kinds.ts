/**
 * The alert vocabulary: every kind of alert the dock raises, with the facts each carries. The
 * page and the CLI render an alert from its kind and facts through the message catalogue (in
 * Chinese or English); `detail` keeps an English sentence for logs and older records. A label
 * map typed `Record<AlertKind, …>` fails type-checking when a kind is missing.
 */

import { LIFECYCLE_ALERT_KINDS, type LifecycleAlertFacts } from './lifecycle-alerts.ts';

/** The recorder and model an unknown or changed recorder reported, for accepting it later. */
export interface HeldRecorderFacts {
  readonly serial: string;
  readonly model: string;
  readonly vendor: string;
  /** Fingerprint entry and USB ids (admission.ts deviceFingerprint). */
  readonly fingerprint: string;
}

/** The facts of each alert kind. Values are JSON: strings, numbers, booleans, null. */
export interface AlertFactsByKind extends LifecycleAlertFacts {
  /** R1: a clip sealed more than the limit after its recording ended. */
  'late-clip': {
    readonly serial: string;
    readonly clipId: string;
    readonly sourcePath: string;
    readonly hoursLate: number;
    readonly limitHours: number;
  };
  /** R9: recording stopped between two clips of one shift. */
  'recording-gap': {
    readonly serial: string;
    readonly previousClipId: string;
    readonly clipId: string;
    readonly sourcePath: string;
    readonly gapMinutes: number;
  };
  /** A recorder the ledger does not know: waiting for the equipment manager. */
  'unknown-recorder': HeldRecorderFacts;
  /** A known serial arrived with another model or USB identity. */
  'identity-changed': HeldRecorderFacts & { readonly previous: string };
  /** A USB disk that is no known recorder; never read. */
  'unknown-device': {
    readonly deviceKey: string;
    readonly vendorId: string;
    readonly productId: string;
    readonly label: string | null;
  };
  /** R7: battery or free storage too low for the next shift. */
  'recorder-not-ready': {
    readonly serial: string;
    readonly batteryPct: number | null;
    readonly freeBytes: number | null;
    readonly minBatteryPct: number;
    readonly minFreeBytes: number;
  };
  /** Links, device files or unsafe names on the recorder's card; left alone. */
  'unsafe-entries': { readonly serial: string; readonly count: number };
  /** R8: a faulty or retired recorder left the dock. */
  'unusable-recorder-taken': { readonly serial: string; readonly status: string };
  /** R7: a recorder left the dock with no officer bound to it. */
  'no-officer': { readonly serial: string };
  /** The vault's file system is low on space (the periodic check). */
  'storage-low': {
    readonly freeBytes: number;
    readonly totalBytes: number;
    readonly freePercent: number;
    readonly limitPercent: number;
  };
  /** The vault filled up while a recorder was copied: nothing more can be sealed. */
  'vault-full': { readonly serial: string; readonly sourcePath: string };
  /** R13: records not accepted by the central store for too long. */
  'forward-backlog': {
    readonly records: number;
    readonly oldestAt: string | null;
    readonly target: string | null;
    readonly limitHours: number;
  };
  /** The central store refused a record for good. */
  'forward-rejected': { readonly recordId: string; readonly reason: string };
  /** R8: one file could not be read (bad sector, failing card); it stays on the recorder. */
  'read-error': {
    readonly serial: string;
    readonly sourcePath: string;
    readonly position: number;
    readonly errno: string | null;
    readonly attempts: number;
    readonly maxAttempts: number;
  };
  /** A file grew or shrank while it was copied: what was read is sealed, the file is kept. */
  'file-changed': {
    readonly serial: string;
    readonly sourcePath: string;
    readonly listedBytes: number;
    readonly sealedBytes: number;
    readonly clipId: string;
  };
  /** R8: a clip cut short (no movie header) or unreadable as MP4: sealed, kept on the recorder. */
  'damaged-clip': {
    readonly serial: string;
    readonly clipId: string;
    readonly sourcePath: string;
    readonly reason: 'no-moov' | 'unparseable';
  };
  /** The service user may not open the recorder's device (udev rules missing). */
  'device-permission': { readonly deviceKey: string; readonly devNode: string | null };
}

/** Name of an alert kind. */
export type AlertKind = keyof AlertFactsByKind;

/** The facts of an alert of kind K. */
export type AlertFacts<K extends AlertKind = AlertKind> = AlertFactsByKind[K];

/** Every alert kind, in the order the page lists them. */
export const ALERT_KINDS = [
  'vault-full',
  'storage-low',
  'read-error',
  'damaged-clip',
  'file-changed',
  'late-clip',
  'recording-gap',
  'identity-changed',
  'unknown-recorder',
  'unknown-device',
  'device-permission',
  'recorder-not-ready',
  'unsafe-entries',
  'unusable-recorder-taken',
  'no-officer',
  'forward-backlog',
  'forward-rejected',
  ...LIFECYCLE_ALERT_KINDS,
] as const satisfies readonly AlertKind[];

// Compile-time check that ALERT_KINDS lists every kind of AlertFactsByKind.
type Missing = Exclude<AlertKind, (typeof ALERT_KINDS)[number]>;
const everyKindListed: Missing extends never ? true : Missing = true;
void everyKindListed;

/** True when `kind` is one of the alert kinds this build knows. */
export function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

/** Alerts that hold a recorder for the equipment manager's decision (accept or reject). */
export const HELD_ALERT_KINDS = [
  'unknown-recorder',
  'identity-changed',
] as const satisfies readonly AlertKind[];
