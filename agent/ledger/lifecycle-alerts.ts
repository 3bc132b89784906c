/**
 * The footage lifecycle's alert kinds (issue 15) and their facts; alert-kinds.ts takes them into
 * the alert vocabulary. A stored file's alerts are about the first clip holding its content
 * (`clip:<id>`), the store's about `offsite`.
 */
export interface LifecycleAlertFacts {
  /** An off-site copy read back does not hash to its seal, or is gone: not counted, never repaired silently. */
  'offsite-copy-mismatch': {
    readonly sha256: string;
    readonly store: string;
    readonly key: string;
    readonly result: 'mismatch' | 'missing';
    readonly purpose: 'copy' | 'scrub' | 'fetch';
  };
  /** The store accepted a lock (retention or legal hold) on a copy and does not show it. */
  'offsite-lock-not-kept': {
    readonly sha256: string;
    readonly store: string;
    readonly key: string;
    /** The store's shortfall in English (the log, and the text of alerts older builds wrote). */
    readonly problem: string;
    /** What falls short (LockFaults in offsite/object-lock.ts), absent on alerts of older builds. */
    readonly faults?: string;
    readonly mode?: string;
    readonly wantedMode?: string;
    readonly retainedUntil?: string;
    readonly wantedUntil?: string;
  };
  /** The WORM probe found the off-site store not tamper-proof. */
  'offsite-not-worm': { readonly store: string; readonly failedChecks: string };
  /** A sealed file is gone from the vault before any verified off-site copy exists. */
  'offsite-source-missing': { readonly sha256: string; readonly vaultPath: string };
  /** The scrub found a vault file that no longer hashes to its seal (or is gone). */
  'vault-copy-mismatch': { readonly sha256: string; readonly result: 'mismatch' | 'missing' };
  /** R4: a held clip lacks its second verified copy. */
  'held-copy-missing': { readonly clipId: string; readonly holdId: string; readonly copies: number };
  /** Space: local copies of routine clips verified off-site were evicted. */
  'clips-evicted': {
    readonly clips: number;
    readonly bytes: number;
    readonly freePercent: number;
    readonly limitPercent: number;
  };
  /** R3: clips whose retention ended and that are not held wait for the manager's decision. */
  'retention-ended': { readonly clips: number; readonly bytes: number };
}

/** The lifecycle's alert kinds, in the order the page lists them. */
export const LIFECYCLE_ALERT_KINDS = [
  'offsite-copy-mismatch',
  'vault-copy-mismatch',
  'offsite-lock-not-kept',
  'offsite-not-worm',
  'offsite-source-missing',
  'held-copy-missing',
  'clips-evicted',
  'retention-ended',
] as const;
