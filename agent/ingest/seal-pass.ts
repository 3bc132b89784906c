import type { Hash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { SourceGoneError, SourceReadError } from '../../drivers/contract/errors.ts';
import type { SourceFile, SourceOpener, SourceSpec } from '../../drivers/contract/source.ts';
import { errnoCode } from '../errors.ts';
import { failpoint } from '../ops/failpoints.ts';
import { BufferPool } from './buffer-pool.ts';
import { HEAD_DIGEST_BYTES, headDigest } from './head-digest.ts';
import { resumeFromKept } from './kept-part.ts';
import { DIRECT_IO_ALIGN } from './page-cache.ts';
import { type PrefixDigest, type ResumeState, writeResumeState } from './resume-state.ts';
import { StagedWriter, type WriteMode } from './staged-writer.ts';

/** Tuning of the seal pass. */
export interface SealTuning {
  /** Size of each of the three rotating buffers. */
  readonly bufferBytes: number;
  /** A prefix digest and a resume state are written every this many bytes. */
  readonly checkpointBytes: number;
  /** Buffered writes only: write-back of finished ranges starts every this many bytes (0: never). */
  readonly writebackBytes: number;
  /**
   * Write the staged copy with O_DIRECT where the file system allows it (default true). False
   * writes through the page cache, paced by `writebackBytes`: kept for measuring side by side.
   */
  readonly directWrites?: boolean;
  /**
   * Buffers in rotation (default 3, at least 3): one is being read into while the others are
   * hashed or written, so up to count − 2 writes are in flight at once. More writes in flight
   * did not help on the measured disk (README, performance).
   */
  readonly bufferCount?: number;
}

/** Defaults measured on the dock's 2-core class of machine (see README, performance). */
export const DEFAULT_SEAL_TUNING: SealTuning = {
  bufferBytes: 4 << 20,
  checkpointBytes: 256 << 20,
  writebackBytes: 32 << 20,
};

/** One file to seal: where it comes from, where the staged copy goes. */
export interface SealJob {
  readonly source: SourceSpec;
  readonly resumeKey: string;
  readonly stagedPath: string;
  readonly statePath: string;
  readonly tuning: SealTuning;
}

/** How many leading bytes the head digest covers. */
export { HEAD_DIGEST_BYTES } from './head-digest.ts';

/** The outcome of a seal pass: the staged copy is complete, fsynced and read-only. */
export interface SealOutcome {
  readonly sha256: string;
  readonly size: number;
  /** SHA-256 of the first min(size, 1 MiB) bytes. */
  readonly headSha256: string;
  /** Size and modification time of the source when it was opened. */
  readonly sourceSize: number;
  readonly sourceMtimeMs: number;
  /** The source's size or modification time changed during the copy, or it read short or long. */
  readonly sourceChanged: boolean;
  readonly prefixDigests: readonly PrefixDigest[];
  /** Bytes taken from an earlier partial copy rather than from the recorder. */
  readonly resumedFrom: number;
  /** Bytes read from the recorder in this pass. */
  readonly sourceBytesRead: number;
  /** How the staged copy was written at the end of the pass. */
  readonly writeMode: WriteMode;
}

/** Progress callback: bytes of the final file now in the staged copy. */
export type ProgressFn = (bytesDone: number, bytesTotal: number) => void;

/**
 * Copy one source into its staged file in a single read pass, hashing every byte once, then fsync.
 * Resumes from a kept partial copy when its state matches this source. On a source failure the
 * partial copy and its state are kept for the next dock; on a full disk both are removed.
 */
export async function runSealPass(
  job: SealJob,
  onProgress: ProgressFn,
  openSource: SourceOpener,
  buffers: BufferPool = new BufferPool(0),
): Promise<SealOutcome> {
  const source = await openSource(job.source);
  try {
    const dst = await StagedWriter.open(job.stagedPath, {
      direct: job.tuning.directWrites ?? true,
      writebackBytes: job.tuning.writebackBytes,
    });
    try {
      const resumed = await resumeFromKept(job, source, dst.handle, buffers);
      failpoint('ingest.copy.start', job.source.path);
      const run = new CopyRun(job, source, dst, resumed.hash, resumed.prefixDigests, onProgress);
      const sourceBytesRead = await run.copyFrom(resumed.offset, buffers);
      failpoint('ingest.copy.end', job.source.path);
      const size = resumed.offset + sourceBytesRead;
      const after = await source.stat();
      await dst.handle.chmod(0o440);
      await dst.sync();
      failpoint('ingest.staged.synced', job.source.path);
      const headSha256 = await headDigest(
        async (b, o, l, p) => (await dst.handle.read(b, o, l, p)).bytesRead,
        Math.min(size, HEAD_DIGEST_BYTES),
        buffers,
      );
      dst.forgetCachedPages();
      return {
        sha256: resumed.hash.digest('hex'),
        size,
        headSha256,
        sourceSize: source.size,
        sourceMtimeMs: source.mtimeMs,
        sourceChanged: size !== source.size || after.size !== source.size || after.mtimeMs !== source.mtimeMs,
        prefixDigests: run.prefixDigests,
        resumedFrom: resumed.offset,
        sourceBytesRead,
        writeMode: dst.mode,
      };
    } finally {
      await dst.close();
    }
  } catch (err) {
    if (errnoCode(err) === 'ENOSPC' || errnoCode(err) === 'EDQUOT') {
      await fsp.rm(job.stagedPath, { force: true });
      await fsp.rm(job.statePath, { force: true });
    }
    throw err;
  } finally {
    await source.close();
  }
}

/**
 * The copy loop: rotating buffers; the next read and the current write are submitted to the
 * thread pool before the current buffer is hashed, so reading, writing and hashing overlap, and
 * a buffer is read into again only once its write is done.
 */
class CopyRun {
  readonly prefixDigests: PrefixDigest[];
  private lastCheckpoint: number;
  private lastProgress = 0;
  /** Reads and writes still using a buffer: awaited before the buffers go back to the pool. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly job: SealJob,
    private readonly source: SourceFile,
    private readonly dst: StagedWriter,
    private readonly hash: Hash,
    prefixDigests: PrefixDigest[],
    private readonly onProgress: ProgressFn,
  ) {
    this.prefixDigests = [...prefixDigests];
    this.lastCheckpoint = prefixDigests.at(-1)?.offset ?? 0;
  }

  /**
   * Copy from `start` to the size the source had when it was opened (a file that keeps growing
   * cannot keep the copy going; the caller sees the change); returns the bytes read.
   */
  async copyFrom(start: number, pool: BufferPool): Promise<number> {
    const size = this.job.tuning.bufferBytes;
    const count = Math.max(3, this.job.tuning.bufferCount ?? 3);
    const buffers = Array.from({ length: count }, () => pool.acquire(size));
    const writes: Promise<void>[] = buffers.map(() => Promise.resolve());
    let pos = start;
    try {
      let n = await this.read(buffers[0] as Buffer, pos);
      for (let i = 0; n > 0; i++) {
        const current = buffers[i % count] as Buffer;
        const next = (i + 1) % count;
        await writes[next]; // that buffer's last write must be done before it is read into
        const nextRead = this.read(buffers[next] as Buffer, pos + n);
        writes[i % count] = this.track(this.dst.write(current, n, pos));
        this.hash.update(current.subarray(0, n));
        pos += n;
        n = await nextRead;
        await this.afterBlock(pos, writes);
      }
      await Promise.all(writes);
    } catch (err) {
      if (err instanceof SourceGoneError || err instanceof SourceReadError)
        await this.keepForResume(writes, pos);
      throw err;
    } finally {
      await Promise.allSettled(this.inFlight);
      pool.release(...buffers);
    }
    this.onProgress(pos, this.source.size);
    return pos - start;
  }

  /**
   * Read the block at `at` into `buffer`. A block that starts off a sector boundary (a resume
   * from an odd offset, after a short read) is shortened so that the next one starts on it again,
   * so O_DIRECT writes keep going.
   */
  private read(buffer: Buffer, at: number): Promise<number> {
    const end = this.source.size;
    if (at >= end) return Promise.resolve(0);
    const length = Math.min(buffer.length - (at % DIRECT_IO_ALIGN), end - at);
    return this.track(this.source.read(buffer, 0, length, at));
  }

  /** Remember an I/O until it settles; its rejection is observed by whoever awaits it. */
  private track<T>(io: Promise<T>): Promise<T> {
    this.inFlight.add(io);
    io.then(
      () => this.inFlight.delete(io),
      () => this.inFlight.delete(io),
    );
    return io;
  }

  /** Checkpoints and progress, at most once per block. */
  private async afterBlock(pos: number, writes: readonly Promise<void>[]): Promise<void> {
    if (pos - this.lastCheckpoint >= this.job.tuning.checkpointBytes) {
      await Promise.all(writes);
      this.prefixDigests.push({ offset: pos, sha256: this.hash.copy().digest('hex') });
      this.lastCheckpoint = pos;
      await this.saveState(pos);
      failpoint('ingest.copy.checkpoint', this.job.source.path);
    }
    failpoint('ingest.copy.block', this.job.source.path);
    const now = Date.now();
    if (now - this.lastProgress >= 200) {
      this.lastProgress = now;
      this.onProgress(pos, this.source.size);
    }
  }

  /** The recorder went away or a read failed: make the bytes copied so far durable and describe them. */
  private async keepForResume(writes: readonly Promise<void>[], hashedUpTo: number): Promise<void> {
    try {
      await Promise.all(writes);
    } catch {
      return; // the write itself failed; the last saved state still describes good bytes
    }
    if (hashedUpTo > this.lastCheckpoint) {
      this.prefixDigests.push({ offset: hashedUpTo, sha256: this.hash.copy().digest('hex') });
      this.lastCheckpoint = hashedUpTo;
    }
    await this.dst.datasync();
    await this.saveState(hashedUpTo);
  }

  private saveState(offset: number): Promise<void> {
    const state: ResumeState = {
      version: 1,
      resumeKey: this.job.resumeKey,
      sourcePath: this.job.source.path,
      sourceSize: this.source.size,
      sourceMtimeMs: this.source.mtimeMs,
      offset,
      prefixDigests: this.prefixDigests,
      updatedAt: new Date().toISOString(),
    };
    return writeResumeState(this.job.statePath, state);
  }
}
