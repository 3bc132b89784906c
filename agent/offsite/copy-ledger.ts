import type { AnyAlertInput } from '../ledger/alert-writes.ts';
import type { ReadBackResult } from './read-back.ts';
import type { ProbeResult } from './worm-probe.ts';

/** A sealed file that has no verified copy on the store yet. */
export interface PendingCopy {
  readonly sha256: string;
  readonly size: number;
  /** Its vault file. */
  readonly file: string;
  /** The retention end to lock it until (null: none due). */
  readonly retainUntil: Date | null;
  /** Held (R4): a legal hold on the object. */
  readonly legalHold: boolean;
  /** When it was sealed: the backlog's "oldest waiting". */
  readonly sealedAt: Date;
  /** The clips holding this content (alerts name the first). */
  readonly clipIds: readonly string[];
}

/** Why a copy was read back. */
export type CopyPurpose = 'copy' | 'scrub' | 'fetch';

/** A verification of one off-site copy, as the ledger records it (a `copy.verified` event). */
export interface CopyVerification {
  readonly sha256: string;
  readonly size: number;
  readonly store: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly purpose: CopyPurpose;
  readonly result: ReadBackResult;
  /** What the bytes read hash to (differs from sha256 on a mismatch). */
  readonly actualSha256: string | null;
  /** How it was verified: always the whole object read back and hashed with SHA-256. */
  readonly method: 'read-back-sha256';
  readonly verifiedAt: Date;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
  /** Whether the store reports the lock that was set; null when it has none. */
  readonly lockKept: boolean | null;
}

/** The backlog of copies for the page and `dockctl copies backlog`. */
export interface CopyBacklog {
  readonly clips: number;
  readonly bytes: number;
  readonly oldestSealedAt: Date | null;
}

/** What the copier needs of the ledger: the Ledger satisfies it through its lifecycle face. */
export interface CopyLedger {
  /** Files without a copy record on `store`, oldest first, leaving out `skip`. */
  pendingCopies(store: string, limit: number, skip: readonly string[]): PendingCopy[];
  /** Record a verification (a copy, a scrub, a fetch back). */
  recordCopy(v: CopyVerification): void;
  /** Record a WORM probe. */
  recordProbe(p: ProbeResult): void;
  /** What waits to be copied to `store`. */
  copyBacklog(store: string): CopyBacklog;
  openAlert(input: AnyAlertInput): unknown;
}
