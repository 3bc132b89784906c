import type { AnyAlertInput } from '../ledger/alert-writes.ts';
import type { CopyVerifiedInput } from '../ledger/lifecycle-writes.ts';
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

/** A verification of one off-site copy, as the ledger records it (a `copy.verified` event). */
export type CopyVerification = CopyVerifiedInput;

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
