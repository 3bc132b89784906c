import type { Logger } from 'pino';
import { BandwidthLimit } from './bandwidth-limit.ts';
import { ObjectWriter, type WriteJob } from './object-writer.ts';
import type { ObjectVersion, OffsiteStore } from './offsite-store.ts';
import { type ReadBack, readBack } from './read-back.ts';
import { UploadJournal } from './upload-journal.ts';

/** The seal a copy is read back against. */
export interface Seal {
  readonly sha256: string;
  readonly size: number;
}

/**
 * The copier's byte-moving work: writing a vault file to the store (resumable, journaled) and
 * reading a copy back to hash it. Everything else (which clips, locks, the ledger) stays with the
 * copier. In dockd this runs on its own thread (transfer-thread.ts), so gigabytes of footage
 * passing through never hold up the event loop that serves the page and the recorders.
 */
export interface Transfers {
  /** Write the file; returns the version written. Rejects with CopyPausedError when cut between parts. */
  write(job: WriteJob): Promise<ObjectVersion>;
  /** Read a version back and hash it against the seal. */
  readBack(version: ObjectVersion, seal: Seal): Promise<ReadBack>;
  /**
   * Stop: cut every transfer in flight (they reject, journaled parts stay), and refuse to go on
   * with further parts or read-backs until `resume()`.
   */
  abort(): void;
  /** Allow transfers again (the copier starting again). */
  resume(): void;
  /** Release the thread or connections behind it. */
  close(): Promise<void>;
}

/** What the transfers need besides the store. */
export interface TransferOptions {
  /** `<stateDir>/offsite/uploads`: the journal of multipart uploads. */
  readonly journalDir: string;
  /** Cap per direction in bytes per second (0: none). */
  readonly bytesPerSecond: number;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly partConcurrency: number;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Called with the bytes sent, as they leave (progress). */
  readonly onBytes: (bytes: number) => void;
  /** Whether to go on: checked between parts (time window closed, dockd stopping). */
  readonly mayContinue: () => boolean;
}

/** The transfers on the calling thread (dockctl, tests; the thread's worker runs these too). */
export class LocalTransfers implements Transfers {
  private readonly writer: ObjectWriter;
  private readonly down: BandwidthLimit;
  private readBacks = new AbortController();

  constructor(
    private readonly store: OffsiteStore,
    opts: TransferOptions,
  ) {
    this.down = new BandwidthLimit(opts.bytesPerSecond);
    this.writer = new ObjectWriter({
      store,
      journal: new UploadJournal(opts.journalDir, opts.logger),
      limit: new BandwidthLimit(opts.bytesPerSecond),
      multipartThreshold: opts.multipartThreshold,
      partSize: opts.partSize,
      partConcurrency: opts.partConcurrency,
      logger: opts.logger,
      now: opts.now,
      onBytes: opts.onBytes,
      mayContinue: opts.mayContinue,
    });
  }

  write(job: WriteJob): Promise<ObjectVersion> {
    return this.writer.write(job);
  }

  readBack(version: ObjectVersion, seal: Seal): Promise<ReadBack> {
    return readBack(this.store, version, seal, this.down, this.readBacks.signal);
  }

  abort(): void {
    this.writer.abort();
    this.readBacks.abort();
  }

  resume(): void {
    if (this.readBacks.signal.aborted) this.readBacks = new AbortController();
  }

  async close(): Promise<void> {}
}
