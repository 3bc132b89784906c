import { randomUUID } from 'node:crypto';
import type { OutboxRecord } from '../ledger/outbox.ts';
import type { EpochReason } from '../ledger/outbox-epoch.ts';
import { beginNewEpoch, type EpochDecision, type EpochLedger, resolveEpoch } from './epoch.ts';
import {
  type ForwardState,
  forwardStateFile,
  type ParkedRecord,
  readForwardState,
  writeForwardState,
} from './forward-state.ts';

/** Parked records remembered in the state file (the newest). */
const PARKED_KEPT = 1000;

/** What the cursor records about the target. */
export interface CursorTarget {
  readonly identity: string;
  readonly description: string;
  readonly personalFields: 'sent' | 'withheld';
}

/** How to open a cursor. */
export interface CursorOptions {
  readonly ledger: EpochLedger;
  readonly target: CursorTarget;
  readonly stateDir: string;
  readonly now: () => Date;
  readonly newId?: () => string;
}

/**
 * Where delivery to the target stands: the epoch, the last acknowledged forwarding seq, parked
 * records, the last success and the last error. Every change that matters after a crash is in
 * the state file (durable write) before the forwarder moves on.
 */
export class DeliveryCursor {
  private constructor(
    private readonly opts: CursorOptions,
    private readonly file: string,
    private saved: ForwardState,
  ) {}

  /** Read the state file, settle the epoch against the ledger (epoch.ts), and persist the result. */
  static async open(opts: CursorOptions): Promise<{ cursor: DeliveryCursor; decision: EpochDecision }> {
    const file = forwardStateFile(opts.stateDir);
    const stored = await readForwardState(file);
    const decision = await resolveEpoch(
      opts.ledger,
      stored,
      opts.target.identity,
      opts.now(),
      opts.newId ?? randomUUID,
    );
    const previous = typeof stored === 'object' ? stored : null;
    const cursor = new DeliveryCursor(opts, file, previous as ForwardState);
    cursor.saved = decision.resumeFrom
      ? { ...decision.resumeFrom, ...cursor.targetFields() }
      : cursor.fresh(decision.epoch, previous);
    await writeForwardState(file, cursor.saved);
    return { cursor, decision };
  }

  /** The state as last saved (or, after a local failure, as known in memory). */
  get state(): ForwardState {
    return this.saved;
  }

  /**
   * The batch ending at outbox id `lastSeq` is about to be sent (saved before the send); null:
   * the target refused the last one outright (it stored nothing), so no range is owed.
   */
  async sending(lastSeq: number | null): Promise<void> {
    if (this.state.inFlightSeq === lastSeq) return;
    await this.save({ inFlightSeq: lastSeq });
  }

  /**
   * The highest outbox id the next batch may hold: the end of a batch that was being sent when
   * the dock stopped (so exactly that batch is sent again), else null (no bound).
   */
  resendBound(): number | null {
    const bound = this.state.inFlightSeq ?? null;
    return bound !== null && bound > this.state.ackedSeq ? bound : null;
  }

  /** The target acknowledged every record up to `last`. */
  async acknowledged(last: OutboxRecord): Promise<void> {
    const at = this.opts.now().toISOString();
    await this.save({
      ackedSeq: last.id,
      ackedRecordId: last.recordId,
      lastSuccessAt: at,
      lastAttemptAt: at,
      failures: 0,
      nextAttemptAt: null,
      inFlightSeq: null,
    });
  }

  /** An attempt failed; the next one is due after `delayMs`. */
  async failed(code: string, message: string, delayMs: number): Promise<void> {
    const now = this.opts.now();
    await this.save({
      lastAttemptAt: now.toISOString(),
      lastError: { at: now.toISOString(), code, message },
      failures: this.state.failures + 1,
      nextAttemptAt: new Date(now.getTime() + delayMs).toISOString(),
    });
  }

  /** Note a local failure (the state file itself may be what failed): memory only. */
  failedLocally(message: string): void {
    const lastError = { at: this.opts.now().toISOString(), code: 'LOCAL', message };
    this.saved = { ...this.saved, lastError, failures: this.saved.failures + 1 };
  }

  /** Skip `row` for good: the cursor moves past it and it is listed as parked. */
  async park(row: OutboxRecord, reason: string): Promise<void> {
    const entry: ParkedRecord = {
      seq: row.id,
      recordId: row.recordId,
      reason,
      at: this.opts.now().toISOString(),
    };
    await this.save({
      ackedSeq: row.id,
      ackedRecordId: row.recordId,
      parked: [...this.state.parked, entry].slice(-PARKED_KEPT),
    });
  }

  /** Parked records the target has now accepted (`dockctl forward requeue`) leave the list. */
  async unpark(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.save({ parked: this.state.parked.filter((p) => !seqs.includes(p.seq)) });
  }

  /** Begin a new epoch: the cursor starts again from the first outbox record. */
  async restart(reason: EpochReason): Promise<string> {
    const epoch = await beginNewEpoch(
      this.opts.ledger,
      reason,
      this.opts.now(),
      this.opts.newId ?? randomUUID,
    );
    this.saved = this.fresh(epoch, this.saved);
    await writeForwardState(this.file, this.saved);
    return epoch;
  }

  /** True when the record at outbox id `seq` was acknowledged (not parked) in this epoch. */
  delivered(seq: number): boolean {
    return seq <= this.state.ackedSeq && !this.state.parked.some((p) => p.seq === seq);
  }

  private targetFields(): Pick<ForwardState, 'target' | 'targetDescription' | 'personalFields'> {
    const t = this.opts.target;
    return { target: t.identity, targetDescription: t.description, personalFields: t.personalFields };
  }

  private fresh(epoch: string, previous: ForwardState | null): ForwardState {
    return {
      v: 1,
      dock: this.opts.ledger.dockId,
      epoch,
      ...this.targetFields(),
      ackedSeq: 0,
      ackedRecordId: null,
      parked: [],
      lastSuccessAt: previous?.lastSuccessAt ?? null,
      lastAttemptAt: previous?.lastAttemptAt ?? null,
      lastError: null,
      failures: 0,
      nextAttemptAt: null,
      inFlightSeq: null,
    };
  }

  private async save(change: Partial<ForwardState>): Promise<void> {
    this.saved = { ...this.saved, ...change };
    await writeForwardState(this.file, this.saved);
  }
}
