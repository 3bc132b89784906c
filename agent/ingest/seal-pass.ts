import { createHash, type Hash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { errnoCode } from '../errors.ts';
import { failpoint } from '../ops/failpoints.ts';
import { startWriteback } from './page-cache.ts';
import {
  type PrefixDigest,
  type ResumeState,
  readResumeState,
  sameSource,
  writeResumeState,
} from './resume-state.ts';
import { openSource, type SourceFile, SourceGoneError, type SourceSpec } from './source.ts';

/** Tuning of the seal pass. */
export interface SealTuning {
  /** Size of each of the three rotating buffers. */
  readonly bufferBytes: number;
  /** A prefix digest and a resume state are written every this many bytes. */
  readonly checkpointBytes: number;
  /** Write-back of finished ranges is started every this many bytes (0: never). */
  readonly writebackBytes: number;
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

/** The outcome of a seal pass: the staged copy is complete, fsynced and read-only. */
export interface SealOutcome {
  readonly sha256: string;
  readonly size: number;
  readonly prefixDigests: readonly PrefixDigest[];
  /** Bytes taken from an earlier partial copy rather than from the recorder. */
  readonly resumedFrom: number;
  /** Bytes read from the recorder in this pass. */
  readonly sourceBytesRead: number;
}

/** Progress callback: bytes of the final file now in the staged copy. */
export type ProgressFn = (bytesDone: number, bytesTotal: number) => void;

/**
 * Copy one source into its staged file in a single read pass, hashing every byte once, then fsync.
 * Resumes from a kept partial copy when its state matches this source. On a source failure the
 * partial copy and its state are kept for the next dock; on a full disk both are removed.
 */
export async function runSealPass(job: SealJob, onProgress: ProgressFn): Promise<SealOutcome> {
  const source = await openSource(job.source);
  try {
    const dst = await fsp.open(job.stagedPath, fsp.constants.O_RDWR | fsp.constants.O_CREAT, 0o640);
    try {
      const resumed = await resumeFromKept(job, source, dst);
      failpoint('ingest.copy.start', job.source.path);
      const run = new CopyRun(job, source, dst, resumed.hash, resumed.prefixDigests, onProgress);
      const sourceBytesRead = await run.copyFrom(resumed.offset);
      failpoint('ingest.copy.end', job.source.path);
      await dst.chmod(0o440);
      await dst.sync();
      failpoint('ingest.staged.synced', job.source.path);
      return {
        sha256: resumed.hash.digest('hex'),
        size: resumed.offset + sourceBytesRead,
        prefixDigests: run.prefixDigests,
        resumedFrom: resumed.offset,
        sourceBytesRead,
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
 * Re-hash the kept part from local disk, checking it against the prefix digests taken from the
 * recorder, and truncate it to the longest prefix that still matches. Returns the hash of the
 * kept bytes and where to continue reading the recorder.
 */
async function resumeFromKept(
  job: SealJob,
  source: SourceFile,
  dst: fsp.FileHandle,
): Promise<{ hash: Hash; offset: number; prefixDigests: PrefixDigest[] }> {
  let hash = createHash('sha256');
  const state = await readResumeState(job.statePath);
  const keptSize = (await dst.stat()).size;
  if (!state || !sameSource(state, job.resumeKey, source.size, source.mtimeMs) || keptSize === 0) {
    await dst.truncate(0);
    return { hash, offset: 0, prefixDigests: [] };
  }
  const usable = state.prefixDigests.filter((p) => p.offset <= Math.min(keptSize, state.offset));
  const buffer = Buffer.allocUnsafeSlow(job.tuning.bufferBytes);
  const kept: PrefixDigest[] = [];
  let pos = 0;
  for (const prefix of usable) {
    const before = hash.copy();
    while (pos < prefix.offset) {
      const { bytesRead } = await dst.read(buffer, 0, Math.min(buffer.length, prefix.offset - pos), pos);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    if (pos !== prefix.offset || hash.copy().digest('hex') !== prefix.sha256) {
      hash = before; // the kept bytes stop matching here: keep what was proven before
      break;
    }
    kept.push(prefix);
  }
  const offset = kept.at(-1)?.offset ?? 0;
  await dst.truncate(offset);
  return { hash, offset, prefixDigests: kept };
}

/**
 * The copy loop: three rotating buffers; the next read and the current write are submitted to
 * the thread pool before the current buffer is hashed, so reading, writing and hashing overlap.
 */
class CopyRun {
  readonly prefixDigests: PrefixDigest[];
  private lastCheckpoint: number;
  private lastWriteback: number;
  private lastProgress = 0;

  constructor(
    private readonly job: SealJob,
    private readonly source: SourceFile,
    private readonly dst: fsp.FileHandle,
    private readonly hash: Hash,
    prefixDigests: PrefixDigest[],
    private readonly onProgress: ProgressFn,
  ) {
    this.prefixDigests = [...prefixDigests];
    this.lastCheckpoint = prefixDigests.at(-1)?.offset ?? 0;
    this.lastWriteback = this.lastCheckpoint;
  }

  /** Copy from `start` to the end of the source; returns the bytes read from the source. */
  async copyFrom(start: number): Promise<number> {
    const size = this.job.tuning.bufferBytes;
    const buffers = [0, 1, 2].map(() => Buffer.allocUnsafeSlow(size));
    let pos = start;
    let pendingWrite: Promise<void> = Promise.resolve();
    try {
      let n = await this.source.read(buffers[0] as Buffer, 0, size, pos);
      for (let i = 0; n > 0; i++) {
        const current = buffers[i % 3] as Buffer;
        const nextRead = this.source.read(buffers[(i + 1) % 3] as Buffer, 0, size, pos + n);
        nextRead.catch(() => {}); // observed below; avoid an unhandled rejection meanwhile
        await pendingWrite;
        pendingWrite = this.writeAll(current, n, pos);
        pendingWrite.catch(() => {});
        this.hash.update(current.subarray(0, n));
        pos += n;
        n = await nextRead;
        await this.afterBlock(pos, pendingWrite);
      }
      await pendingWrite;
    } catch (err) {
      if (err instanceof SourceGoneError) await this.keepForResume(pendingWrite, pos);
      throw err;
    }
    this.onProgress(pos, this.source.size);
    return pos - start;
  }

  private async writeAll(buffer: Buffer, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await this.dst.write(buffer, done, length - done, position + done);
      done += bytesWritten;
    }
  }

  /** Checkpoints, early write-back and progress, at most once per block. */
  private async afterBlock(pos: number, pendingWrite: Promise<void>): Promise<void> {
    const { checkpointBytes, writebackBytes } = this.job.tuning;
    if (writebackBytes > 0 && pos - this.lastWriteback >= writebackBytes) {
      startWriteback(this.dst.fd, this.lastWriteback, pos - this.lastWriteback);
      this.lastWriteback = pos;
    }
    if (pos - this.lastCheckpoint >= checkpointBytes) {
      await pendingWrite;
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

  /** The recorder went away: make the bytes copied so far durable and describe them. */
  private async keepForResume(pendingWrite: Promise<void>, hashedUpTo: number): Promise<void> {
    try {
      await pendingWrite;
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
