import type { Logger } from 'pino';
import type { AlertInput } from '../ledger/alert-writes.ts';
import type { OutboxBacklog, OutboxRecord } from '../ledger/outbox.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { EpochLedger } from './epoch.ts';
import type { PersonalFieldsPolicy } from './forwarder-config.ts';
import type { ForwardTarget } from './target.ts';

/** What the forwarder needs of the ledger (the real Ledger satisfies it). */
export interface ForwarderLedger extends EpochLedger {
  readonly outbox: EpochLedger['outbox'] & {
    read(afterId: number, limit: number): OutboxRecord[];
    backlog(afterId: number): OutboxBacklog;
    prune(beforeId: number, createdBefore: Date, keep?: readonly number[]): number;
    idOf(recordId: string): number | null;
  };
  openAlert(input: AlertInput): unknown;
  /**
   * Resolves once every record committed before the call is on disk: the dock commits without
   * waiting for the disk (agent/ledger/relaxed-commits.ts), and a record the central store has
   * must not vanish from the ledger in a power cut (the next epoch would send it again).
   */
  durable(): Promise<void>;
}

/** Waits `ms`, or less when `signal` aborts (the forwarder was woken or stopped). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** How to run a forwarder. Everything that varies is injected. */
export interface ForwarderOptions {
  readonly ledger: ForwarderLedger;
  /** The forwarder owns it from here: `stop()` closes it. */
  readonly target: ForwardTarget;
  readonly logger: Logger;
  /** The state file goes to `<stateDir>/forwarder/state.json`. */
  readonly stateDir: string;
  readonly now?: () => Date;
  /** Records per batch (default 500). */
  readonly batchSize?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Idle poll interval when not woken by `notify()` (default 30 s). */
  readonly pollMs?: number;
  readonly personalFields?: PersonalFieldsPolicy;
  /** Delivered records are pruned from the outbox after this many days (default 30). */
  readonly keepDeliveredDays?: number;
  readonly random?: () => number;
  readonly sleep?: Sleep;
  readonly newId?: () => string;
  /** Called after every acknowledged batch with the new cursor. */
  readonly onAck?: (ackedSeq: number) => void;
}

/** The real clock's sleep, cut short when the signal aborts. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    // The signal outlives many sleeps (it is aborted only to wake one): a sleep that ends on its
    // own takes its listener off, or every idle poll would leave one on it.
    const woken = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', woken);
      resolve();
    }, ms);
    signal.addEventListener('abort', woken, { once: true });
  });
