import { open } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';

/**
 * Commits that do not wait for the disk on the event loop, made durable later off it.
 *
 * The ledger runs WAL with synchronous=FULL: each commit fsyncs the write-ahead log before it
 * returns, on the main thread. While many recorders copy, the disk takes hundreds of MB/s of
 * footage and one such fsync can take tens of milliseconds, during which the page and every other
 * recorder wait. The dock's writes therefore commit with synchronous=NORMAL (the frames are
 * written to the log, not fsynced: a crash of the process keeps them, a power cut may drop the
 * newest, the database is never corrupted), and `durable()` fsyncs the log on libuv's thread pool.
 * Because the log is written in order, one fsync makes every commit before it durable; calls that
 * arrive while one runs share the next. Whatever must survive a power cut before the dock acts on
 * it (a seal before the wipe it allows, a wipe intent before the unlink) awaits `durable()`.
 */
export class RelaxedCommits {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly walFile: string,
  ) {}

  /** Run `transaction` committing with synchronous=NORMAL (nested calls join the outer one). */
  run<T>(transaction: () => T): T {
    if (this.db.inTransaction) return transaction();
    this.db.pragma('synchronous = NORMAL');
    try {
      return transaction();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Resolves once every commit made before the call is on disk. */
  durable(): Promise<void> {
    if (this.next) return this.next;
    const after = this.running ?? Promise.resolve();
    const mine: Promise<void> = after
      .catch(() => {})
      .then(() => {
        this.next = null;
        this.running = mine;
        return this.syncLog();
      })
      .finally(() => {
        if (this.running === mine) this.running = null;
      });
    this.next = mine;
    return mine;
  }

  private async syncLog(): Promise<void> {
    const handle = await open(this.walFile, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
