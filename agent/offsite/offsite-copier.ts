import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { errnoCode } from '../errors.ts';
import { Backoff } from '../forwarder/backoff.ts';
import { type Sleep, timerSleep } from '../forwarder/forwarder-options.ts';
import type { CopyLedger, PendingCopy } from './copy-ledger.ts';
import type { CopyWindows } from './copy-windows.ts';
import { footageKey } from './object-keys.ts';
import { applyLock, checkLock, type WantedLock } from './object-lock.ts';
import { CopyPausedError } from './object-writer.ts';
import { offsiteAlerts } from './offsite-alerts.ts';
import { type ObjectVersion, type OffsiteStore, storeErrorText } from './offsite-store.ts';
import { LocalTransfers, type TransferOptions, type Transfers } from './transfers.ts';
import { probeWorm } from './worm-probe.ts';

/** How the copier runs. Everything that varies is injected. */
export interface CopierOptions {
  readonly store: OffsiteStore;
  readonly ledger: CopyLedger;
  /** `<stateDir>/offsite`: the upload journal and the probe's scratch files. */
  readonly workDir: string;
  readonly windows: CopyWindows;
  /** Cap per direction in bytes per second (0: none). */
  readonly bytesPerSecond: number;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly partConcurrency: number;
  /** Probe the store's WORM behaviour at start and then this often (0: never). */
  readonly probeEveryMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly sleep?: Sleep;
  /** Idle poll when nothing waits (default 30 s); `notify()` wakes it sooner. */
  readonly pollMs?: number;
  readonly batch?: number;
  /**
   * Where the bytes move: on this thread by default (dockctl, tests); dockd passes a factory of
   * ThreadTransfers so footage streams run on a thread of their own.
   */
  readonly transfers?: (opts: TransferOptions) => Transfers;
}

/** What the copier is doing, for the page, the status file and `dockctl copies`. */
export interface CopierStatus {
  readonly store: string;
  readonly offsite: boolean;
  readonly phase: 'stopped' | 'idle' | 'copying' | 'waiting-window' | 'retrying';
  readonly lastError: string | null;
  readonly copied: number;
  readonly bytesSent: number;
  /** Measured copy rate (bytes/s over the run), or null before the first copy. */
  readonly bytesPerSecond: number | null;
}

/**
 * Copies every sealed file to the off-site store and counts a copy only once it is read back and
 * hashes to its seal. The read-back of one file overlaps the upload of the next. Retention and
 * legal holds are applied after the write and read back. Failures are retried with backoff and
 * never end the loop; a mismatch or a lock the store did not keep is a critical alert, never
 * silently repaired. The bytes move through `Transfers`: in dockd on a thread of their own.
 */
export class OffsiteCopier {
  private readonly now: () => Date;
  private readonly sleep: Sleep;
  private readonly transfers: Transfers;
  private readonly backoff = new Backoff({ initialMs: 2000, maxMs: 600_000 });
  private readonly skipped = new Set<string>();
  private phase: CopierStatus['phase'] = 'stopped';
  private lastError: string | null = null;
  private copied = 0;
  private bytesSent = 0;
  private busyMs = 0;
  private nextProbeMs = Number.NEGATIVE_INFINITY;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private waker = new AbortController();
  private verifying: Promise<void> = Promise.resolve();
  private verifyError: unknown = null;

  constructor(private readonly opts: CopierOptions) {
    this.now = opts.now ?? (() => new Date());
    this.sleep = opts.sleep ?? timerSleep;
    const transferOptions: TransferOptions = {
      journalDir: path.join(opts.workDir, 'uploads'),
      bytesPerSecond: opts.bytesPerSecond,
      multipartThreshold: opts.multipartThreshold,
      partSize: opts.partSize,
      partConcurrency: opts.partConcurrency,
      logger: opts.logger,
      now: this.now,
      onBytes: (n) => {
        this.bytesSent += n;
      },
      mayContinue: () => !this.stopping && this.opts.windows.isOpen(this.now().getTime()),
    };
    this.transfers = opts.transfers
      ? opts.transfers(transferOptions)
      : new LocalTransfers(opts.store, transferOptions);
  }

  /** Run the copy loop in the background. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.transfers.resume();
    this.loop = this.run();
  }

  /** Wake the loop (a new seal). */
  notify(): void {
    this.waker.abort();
  }

  /** Stop: cut the transfer in flight (its journaled parts stay), wait for the loop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.abort();
    this.transfers.abort();
    await this.loop;
    this.loop = null;
    this.phase = 'stopped';
  }

  /** Stop, and release the transfers' thread or connections (dockd shutting down). */
  async close(): Promise<void> {
    await this.stop();
    await this.transfers.close();
  }

  /** What the copier is doing. */
  status(): CopierStatus {
    return {
      store: this.opts.store.description,
      offsite: this.opts.store.offsite,
      phase: this.phase,
      lastError: this.lastError,
      copied: this.copied,
      bytesSent: this.bytesSent,
      bytesPerSecond: this.busyMs > 0 ? Math.round((this.bytesSent * 1000) / this.busyMs) : null,
    };
  }

  /** Copy and verify everything pending now, then return (tests, `dockctl copies run`). */
  async drain(): Promise<void> {
    for (;;) {
      const batch = this.opts.ledger.pendingCopies(this.opts.store.description, this.opts.batch ?? 8, [
        ...this.skipped,
      ]);
      if (batch.length === 0) {
        this.phase = 'idle';
        return;
      }
      await this.copyBatch(batch);
    }
  }

  /** Probe the store now and record the result. */
  async probe(): Promise<void> {
    const result = await probeWorm({
      store: this.opts.store,
      workDir: path.join(this.opts.workDir, 'probe'),
      logger: this.opts.logger,
      now: this.now,
    });
    this.opts.ledger.recordProbe(result);
    this.opts.logger.info({ store: result.store, outcome: result.outcome }, 'offsite WORM probe');
    if (result.outcome === 'not-worm') {
      const failedChecks = result.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join(', ');
      this.opts.ledger.openAlert(
        offsiteAlerts.notWorm({ store: result.store, failedChecks }, result.summary),
      );
    }
    if (result.outcome === 'failed') throw new Error(result.summary);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.step();
        this.backoff.reset();
        this.lastError = null;
      } catch (err) {
        if (this.stopping) break;
        this.phase = 'retrying';
        this.lastError = storeErrorText(err);
        this.opts.logger.warn({ err, store: this.opts.store.description }, 'offsite copy failed; retrying');
        await this.pause(this.backoff.next());
      }
    }
  }

  private async step(): Promise<void> {
    const store = this.opts.store.description;
    // At every start (connecting) and then every probeEveryMs; a failed probe is retried with backoff.
    if (this.opts.probeEveryMs > 0 && this.now().getTime() >= this.nextProbeMs) {
      await this.probe();
      this.nextProbeMs = this.now().getTime() + this.opts.probeEveryMs;
    }
    const wait = this.opts.windows.msUntilOpen(this.now().getTime());
    if (wait > 0) {
      this.phase = 'waiting-window';
      return this.pause(Math.min(wait, 60_000));
    }
    const batch = this.opts.ledger.pendingCopies(store, this.opts.batch ?? 8, [...this.skipped]);
    if (batch.length === 0) {
      this.phase = 'idle';
      return this.pause(this.opts.pollMs ?? 30_000);
    }
    await this.copyBatch(batch);
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) return;
    await this.sleep(ms, this.waker.signal);
    if (this.waker.signal.aborted) this.waker = new AbortController();
  }

  private async copyBatch(batch: readonly PendingCopy[]): Promise<void> {
    this.phase = 'copying';
    const t0 = performance.now();
    try {
      for (const item of batch) {
        if (this.stopping || !this.opts.windows.isOpen(this.now().getTime())) break;
        const version = await this.write(item);
        await this.settleVerify();
        if (version)
          this.verifying = this.verify(item, version).catch((err: unknown) => {
            this.verifyError = err;
          });
      }
      await this.settleVerify();
    } catch (err) {
      await this.verifying;
      this.verifyError = null;
      if (
        err instanceof CopyPausedError &&
        (this.stopping || !this.opts.windows.isOpen(this.now().getTime()))
      )
        return;
      throw err;
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  /** Wait for the read-back in flight; rethrow its failure. */
  private async settleVerify(): Promise<void> {
    await this.verifying;
    const err = this.verifyError;
    this.verifyError = null;
    if (err !== null) throw err;
  }

  private want(item: PendingCopy): WantedLock {
    return { retainUntil: item.retainUntil, legalHold: item.legalHold };
  }

  /** Write the file unless the store already holds its key; null when its vault file is gone. */
  private async write(item: PendingCopy): Promise<ObjectVersion | null> {
    const key = footageKey(item.sha256);
    const store = this.opts.store;
    const existing = await store.head(key);
    if (existing) {
      // Never overwrite: what is there is verified like a fresh copy (and locked like one).
      await applyLock(store, existing, this.want(item), this.now());
      return existing;
    }
    try {
      await fsp.access(item.file);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      this.skipped.add(item.sha256);
      this.opts.ledger.openAlert(
        offsiteAlerts.sourceMissing(item.clipIds, { sha256: item.sha256, vaultPath: item.file }),
      );
      return null;
    }
    const version = await this.transfers.write({
      sha256: item.sha256,
      key,
      file: item.file,
      size: item.size,
    });
    await applyLock(store, version, this.want(item), this.now());
    return version;
  }

  /** Read the copy back, hash it against the seal, read the lock back, record it. */
  private async verify(item: PendingCopy, version: ObjectVersion): Promise<void> {
    const store = this.opts.store;
    const back = await this.transfers.readBack(version, { sha256: item.sha256, size: item.size });
    const lock = await checkLock(store, version, this.want(item), this.now());
    this.opts.ledger.recordCopy({
      sha256: item.sha256,
      size: item.size,
      store: store.description,
      key: version.key,
      versionId: version.versionId,
      purpose: 'copy',
      result: back.result,
      actualSha256: back.actualSha256,
      method: 'read-back-sha256',
      verifiedAt: this.now(),
      retainUntil: item.retainUntil,
      legalHold: item.legalHold,
      lockKept: lock.kept,
    });
    if (back.result === 'ok') this.copied++;
    else {
      this.opts.ledger.openAlert(
        offsiteAlerts.copyMismatch(item.clipIds, {
          sha256: item.sha256,
          store: store.description,
          key: version.key,
          result: back.result,
          purpose: 'copy',
        }),
      );
    }
    if (lock.kept === false) {
      this.opts.ledger.openAlert(
        offsiteAlerts.lockNotKept(item.clipIds, {
          sha256: item.sha256,
          store: store.description,
          key: version.key,
          problem: lock.problem ?? 'the lock is not shown',
          ...lock.faults,
        }),
      );
    }
  }
}
