import type { Logger } from 'pino';
import type { OutboxRecord } from '../ledger/outbox.ts';
import { subjectKey } from '../ledger/subjects.ts';
import { failpoint } from '../ops/failpoints.ts';
import { moduleLogger } from '../ops/logger.ts';
import { Backoff } from './backoff.ts';
import { buildBatch, type OutgoingBatch } from './batch.ts';
import { BatchSizer } from './batch-sizer.ts';
import { DeliveryCursor } from './delivery-cursor.ts';
import { type ForwarderOptions, type Sleep, timerSleep } from './forwarder-options.ts';
import { buildStatus, type ForwarderPhase, type ForwarderStatus } from './forwarder-status.ts';
import { resendRequeued } from './parked-requeue.ts';
import { retryOutcome, type SendOutcome } from './target.ts';

export type { ForwarderLedger, ForwarderOptions, Sleep } from './forwarder-options.ts';

/** After this many records parked in a row the target is taken to reject everything, not one record. */
const MAX_CONSECUTIVE_PARKS = 5;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Delivers the ledger's outbox to the central store: in batches by forwarding sequence number,
 * under the ledger's epoch, at least once, in outbox order (so in order within each record type).
 * A failing target is retried with backoff and shows in `status()`; it never ends the loop or the
 * process. A record the target refuses is narrowed down by halving the batch, then parked with an
 * alert. `start()` resolves once the epoch is settled; `stop()` waits for the batch in flight.
 */
export class Forwarder {
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly backoff: Backoff;
  private readonly sizer: BatchSizer;
  private readonly sleep: Sleep;
  private cursor: DeliveryCursor | null = null;
  private phase: ForwarderPhase = 'stopped';
  private consecutiveParks = 0;
  private conflictEpoch: string | null = null;
  private lastPruneMs = Number.NEGATIVE_INFINITY;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private woken = false;
  private waker = new AbortController();

  constructor(private readonly opts: ForwarderOptions) {
    this.log = moduleLogger(opts.logger, 'forwarder');
    this.now = opts.now ?? (() => new Date());
    this.backoff = new Backoff(opts.backoff, opts.random);
    this.sizer = new BatchSizer(opts.batchSize ?? 500);
    this.sleep = opts.sleep ?? timerSleep;
  }

  /** Whether personal fields go to this target (R11). */
  get sendsPersonalFields(): boolean {
    return this.opts.target.secure && (this.opts.personalFields ?? 'send-when-secure') === 'send-when-secure';
  }

  /**
   * Settle the epoch against the state file, then run the delivery loop in the background. Rejects
   * only for local faults (an unwritable state folder: ForwarderStateError), never because the
   * target is down.
   */
  async start(): Promise<void> {
    if (this.loop) return;
    this.phase = 'starting';
    this.stopping = false;
    const t = this.opts.target;
    let opened: Awaited<ReturnType<typeof DeliveryCursor.open>>;
    try {
      opened = await DeliveryCursor.open({
        ledger: this.opts.ledger,
        target: {
          identity: t.identity,
          description: t.description,
          personalFields: this.sendsPersonalFields ? 'sent' : 'withheld',
        },
        stateDir: this.opts.stateDir,
        now: this.now,
        newId: this.opts.newId,
      });
    } catch (err) {
      // Only local causes get here (the state folder, the ledger): the target is not contacted.
      this.phase = 'stopped';
      throw err;
    }
    const { cursor, decision } = opened;
    this.cursor = cursor;
    const fields = { epoch: decision.epoch, reason: decision.reason };
    if (decision.reason === 'continued') this.log.debug(fields, 'forwarder continues its epoch');
    else this.log.warn(fields, 'forwarder sends the whole outbox again');
    this.loop = this.run();
  }

  /** New outbox records are there: send now instead of at the next poll (not while backing off). */
  notify(): void {
    if (this.phase === 'retrying' || this.phase === 'stopped') return;
    this.woken = true;
    this.waker.abort();
  }

  /** Stop after the batch in flight, then close the target. A stopped forwarder is not restarted. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.abort();
    await this.loop;
    this.loop = null;
    this.phase = 'stopped';
    await this.opts.target.close();
  }

  /** Backlog, oldest unsent record, last success and last error, for the page and the CLI. */
  status(): ForwarderStatus {
    const state = this.cursor?.state ?? null;
    return buildStatus(state, this.opts.ledger.outbox.backlog(state?.ackedSeq ?? 0), this.now(), this.phase);
  }

  /** True when the target acknowledged this record in the current epoch (e.g. to wipe after ack). */
  isDelivered(recordId: string): boolean {
    const id = this.opts.ledger.outbox.idOf(recordId);
    return id !== null && (this.cursor?.delivered(id) ?? false);
  }

  private get delivery(): DeliveryCursor {
    return this.cursor as DeliveryCursor;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let delay: number;
      try {
        delay = await this.cycle();
      } catch (err) {
        delay = this.localFailure(err);
      }
      if (this.stopping) break;
      // Woken while the outbox was being read: go round again at once.
      if (this.woken && this.phase === 'idle') continue;
      this.waker = new AbortController();
      await this.sleep(delay, this.waker.signal);
    }
  }

  /** The ledger or the state file failed: keep going, slower, and say so. */
  private localFailure(err: unknown): number {
    const message = (err as Error).message;
    this.log.error({ err: { code: (err as { code?: string }).code, message } }, 'forwarder cycle failed');
    this.phase = 'retrying';
    this.delivery.failedLocally(message);
    return this.backoff.next();
  }

  /** Send batches until the outbox is drained (returns the poll interval) or a send fails (the backoff). */
  private async cycle(): Promise<number> {
    await this.resendParked();
    for (;;) {
      if (this.stopping) return 0;
      const rows = this.nextRows();
      if (rows.length === 0) {
        this.phase = 'idle';
        this.prune();
        return this.opts.pollMs ?? 30_000;
      }
      this.phase = 'sending';
      const built = buildBatch(rows, {
        dockId: this.opts.ledger.dockId,
        epoch: this.delivery.state.epoch,
        sendPersonal: this.sendsPersonalFields,
      });
      if (built.kind === 'invalid') {
        await this.park(built.invalid.row, `not a valid record (${built.invalid.problem})`);
        continue;
      }
      await this.opts.ledger.durable(); // nothing leaves the box that a power cut could take back
      await this.delivery.sending((built.rows.at(-1) as OutboxRecord).id);
      const delay = await this.handle(await this.sendSafely(built.batch), built.rows);
      if (delay !== null) return delay;
    }
  }

  /**
   * The records of the next batch. After a restart whose last batch may have reached the target
   * unacknowledged, exactly that batch's range again: its object key and bytes are the same, so
   * the target sees a duplicate, not its records under a second key.
   */
  private nextRows(): OutboxRecord[] {
    const { ackedSeq } = this.delivery.state;
    const bound = this.delivery.resendBound();
    if (bound === null) return this.opts.ledger.outbox.read(ackedSeq, this.sizer.size);
    const limit = Math.max(this.sizer.size, bound - ackedSeq);
    return this.opts.ledger.outbox.read(ackedSeq, limit).filter((r) => r.id <= bound);
  }

  private async sendSafely(batch: OutgoingBatch): Promise<SendOutcome> {
    try {
      return await this.opts.target.send(batch);
    } catch (err) {
      return retryOutcome(err, 'the target failed unexpectedly');
    }
  }

  /** Act on an outcome; null to go on sending, else the delay before the next attempt. */
  private async handle(outcome: SendOutcome, rows: readonly OutboxRecord[]): Promise<number | null> {
    switch (outcome.kind) {
      case 'acked':
        await this.acknowledged(rows, outcome.duplicate);
        return null;
      case 'retry':
        return this.failed(outcome.code, outcome.message, outcome.retryAfterMs);
      case 'rejected':
        await this.delivery.sending(null); // nothing was stored: the range may shrink
        if (rows.length > 1) {
          // Some record in it is poison: narrow down until it stands alone.
          this.sizer.refused(rows.length);
          return null;
        }
        if (this.consecutiveParks >= MAX_CONSECUTIVE_PARKS) {
          return this.failed(
            'REJECTS_ALL',
            `${outcome.message}, for every record: check the target's API version`,
            null,
          );
        }
        await this.park(rows[0] as OutboxRecord, outcome.message);
        return null;
      case 'conflict':
        if (this.conflictEpoch === this.delivery.state.epoch) {
          return this.failed(
            'KEY_CONFLICT',
            `the object ${outcome.key} holds other content even in a new epoch`,
            null,
          );
        }
        await this.startEpoch('key-conflict');
        this.conflictEpoch = this.delivery.state.epoch;
        return null;
    }
  }

  private async acknowledged(rows: readonly OutboxRecord[], duplicate: boolean): Promise<void> {
    const last = rows.at(-1) as OutboxRecord;
    failpoint('forwarder.acked', last.recordId);
    await this.delivery.acknowledged(last);
    failpoint('forwarder.cursor.saved', last.recordId);
    this.backoff.reset();
    this.consecutiveParks = 0;
    this.sizer.accepted(rows.length);
    this.log.debug(
      { firstSeq: rows[0]?.id, lastSeq: last.id, count: rows.length, duplicate },
      'batch acknowledged',
    );
    this.opts.onAck?.(last.id);
  }

  private async failed(code: string, message: string, retryAfterMs: number | null): Promise<number> {
    const delay = this.backoff.next(retryAfterMs);
    const previous = this.delivery.state.lastError?.code;
    this.phase = 'retrying';
    await this.delivery.failed(code, message, delay);
    const fields = { code, message, retryInMs: delay, attempt: this.backoff.attempts };
    // While offline for days, one warning per change of cause (and every 20th attempt) is enough.
    if (code !== previous || this.backoff.attempts % 20 === 1)
      this.log.warn(fields, 'central store unavailable; will retry');
    else this.log.debug(fields, 'central store unavailable; will retry');
    return delay;
  }

  private async park(row: OutboxRecord, reason: string): Promise<void> {
    await this.delivery.park(row, reason);
    this.consecutiveParks++;
    this.sizer.reset();
    this.log.error({ recordId: row.recordId, seq: row.id, reason }, 'record parked: it cannot be delivered');
    const aboutParking = row.kind === 'alert' && row.body.kind === 'forward-rejected';
    if (!aboutParking) {
      this.opts.ledger.openAlert({
        kind: 'forward-rejected',
        severity: 'warning',
        subject: subjectKey({ kind: 'record', recordId: row.recordId }),
        facts: { recordId: row.recordId, reason },
        detail: reason,
      });
    }
  }

  /** Parked records a person re-queued (`dockctl forward requeue`), each sent alone again. */
  private async resendParked(): Promise<void> {
    const delivered = await resendRequeued({
      stateDir: this.opts.stateDir,
      parked: () => this.delivery.state.parked,
      recordAt: (seq) => this.opts.ledger.outbox.at(seq),
      unpark: (seqs) => this.delivery.unpark(seqs),
      sendAlone: async (row) => {
        const built = buildBatch([row], {
          dockId: this.opts.ledger.dockId,
          epoch: this.delivery.state.epoch,
          sendPersonal: this.sendsPersonalFields,
        });
        if (built.kind === 'invalid') return false;
        const outcome = await this.sendSafely(built.batch);
        if (outcome.kind === 'retry') throw new Error(outcome.message);
        return outcome.kind === 'acked';
      },
    });
    if (delivered > 0) this.log.info({ delivered }, 're-queued parked records delivered');
  }

  private async startEpoch(reason: 'key-conflict'): Promise<void> {
    const epoch = await this.delivery.restart(reason);
    this.log.warn({ epoch, reason }, 'forwarder sends the whole outbox again');
    this.sizer.reset();
  }

  private prune(): void {
    const now = this.now().getTime();
    if (now - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = now;
    const keepMs = (this.opts.keepDeliveredDays ?? 30) * 86_400_000;
    const { ackedSeq, parked } = this.delivery.state;
    try {
      const keep = parked.map((p) => p.seq);
      const deleted = this.opts.ledger.outbox.prune(ackedSeq, new Date(now - keepMs), keep);
      if (deleted > 0) this.log.info({ deleted, beforeSeq: ackedSeq }, 'delivered outbox records pruned');
    } catch (err) {
      // Pruning is housekeeping: a busy or full disk must not stop delivery.
      this.log.warn({ err: { message: (err as Error).message } }, 'outbox pruning failed');
    }
  }
}
