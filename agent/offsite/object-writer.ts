import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { STREAM_CHUNK_BYTES } from '../os/malloc-tuning.ts';
import type { BandwidthLimit } from './bandwidth-limit.ts';
import type { ObjectVersion, OffsiteStore, UploadedPart } from './offsite-store.ts';
import type { UploadJournal, UploadRecord } from './upload-journal.ts';

/** S3's ceiling on parts per upload. */
const MAX_PARTS = 10_000;

/** How objects are written. */
export interface WriterOptions {
  readonly store: OffsiteStore;
  readonly journal: UploadJournal;
  readonly limit: BandwidthLimit;
  /** Files at least this large go in parts, resumable part by part. */
  readonly multipartThreshold: number;
  readonly partSize: number;
  /** Parts in flight at once. */
  readonly partConcurrency: number;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Called with each chunk's size as it leaves (progress). */
  readonly onBytes?: (bytes: number) => void;
  /** Whether to go on: checked between parts (time window closed, dockd stopping). */
  readonly mayContinue?: () => boolean;
}

/** A file to write under `key`. */
export interface WriteJob {
  readonly sha256: string;
  readonly key: string;
  readonly file: string;
  readonly size: number;
}

/** The copier stopped between parts; the upload resumes from its journal. */
export class CopyPausedError extends Error {
  constructor(what: string) {
    super(`${what} paused (the copy window closed or dockd is stopping); it resumes later`);
    this.name = 'CopyPausedError';
  }
}

/**
 * Writes one vault file to the store, never replacing an object: small files in one request,
 * large ones as a multipart upload whose id and completed parts are journaled durably after each
 * part, so a restart, a power cut or days offline resume from the last part the store still holds.
 */
export class ObjectWriter {
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly opts: WriterOptions) {}

  private body(file: string, start: number, end: number): () => Readable {
    return () => {
      const src = createReadStream(file, { start, end, highWaterMark: STREAM_CHUNK_BYTES });
      const counted = src.pipe(this.opts.limit.throttle(this.opts.onBytes));
      src.on('error', (err) => counted.destroy(err));
      return counted;
    };
  }

  /** Cut the requests in flight (dockd stopping): they fail, journaled parts stay. */
  abort(): void {
    for (const ctl of this.inFlight) ctl.abort(new CopyPausedError('the transfer in flight'));
  }

  /** Run one request with its own abort signal (a long-lived one would gather the SDK's listeners). */
  private async cancellable<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctl = new AbortController();
    this.inFlight.add(ctl);
    try {
      return await send(ctl.signal);
    } finally {
      this.inFlight.delete(ctl);
    }
  }

  /** Write the file; returns the version written. */
  async write(job: WriteJob): Promise<ObjectVersion> {
    if (job.size < this.opts.multipartThreshold || job.size === 0) {
      const body = this.body(job.file, 0, Math.max(0, job.size - 1));
      return this.cancellable((signal) => this.opts.store.putObject(job.key, body, job.size, signal));
    }
    return this.writeInParts(job);
  }

  private partSizeFor(size: number): number {
    return Math.max(this.opts.partSize, Math.ceil(size / MAX_PARTS));
  }

  /** The journaled upload to continue, or a new one. */
  private async resumeOrStart(job: WriteJob): Promise<UploadRecord> {
    const { store, journal, logger } = this.opts;
    const rec = await journal.load(job.sha256);
    if (rec && rec.store === store.description && rec.key === job.key && rec.size === job.size) {
      const held = await store.listParts(job.key, rec.uploadId);
      if (held) {
        const kept = rec.parts.filter((p) =>
          held.some((h) => h.partNumber === p.partNumber && h.etag === p.etag && h.size === p.size),
        );
        logger.info({ key: job.key, parts: kept.length }, 'offsite upload resumed');
        return { ...rec, parts: kept };
      }
      logger.warn({ key: job.key }, 'offsite upload no longer known to the store: starting it again');
    } else if (rec) {
      await store.abortMultipart(rec.key, rec.uploadId).catch(() => {});
    }
    const fresh: UploadRecord = {
      v: 1,
      sha256: job.sha256,
      store: store.description,
      key: job.key,
      uploadId: await store.createMultipart(job.key),
      size: job.size,
      partSize: this.partSizeFor(job.size),
      parts: [],
      startedAt: this.opts.now().toISOString(),
    };
    await journal.save(fresh);
    return fresh;
  }

  private async writeInParts(job: WriteJob): Promise<ObjectVersion> {
    const { store, journal } = this.opts;
    let rec = await this.resumeOrStart(job);
    const count = Math.ceil(job.size / rec.partSize);
    const done = new Set(rec.parts.map((p) => p.partNumber));
    const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
    let saving = Promise.resolve();
    const uploadOne = async (n: number): Promise<void> => {
      const start = (n - 1) * rec.partSize;
      const size = Math.min(rec.partSize, job.size - start);
      const body = this.body(job.file, start, start + size - 1);
      const etag = await this.cancellable((signal) =>
        store.uploadPart(job.key, rec.uploadId, n, body, size, signal),
      );
      const part: UploadedPart = { partNumber: n, etag, size };
      // Journal writes in order, one at a time: each is a whole, durable record.
      saving = saving.then(async () => {
        rec = { ...rec, parts: [...rec.parts, part] };
        await journal.save(rec);
      });
      await saving;
    };
    await runLimited(todo, this.opts.partConcurrency, uploadOne, () => this.opts.mayContinue?.() ?? true);
    if (rec.parts.length < count) throw new CopyPausedError(`the copy of ${job.key}`);
    const parts = [...rec.parts].sort((a, b) => a.partNumber - b.partNumber);
    const version = await store.completeMultipart(job.key, rec.uploadId, parts);
    await journal.remove(job.sha256);
    return version;
  }
}

/** Run `fn` over `items` with at most `limit` at once, starting no new one once `go()` is false. */
async function runLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  go: () => boolean,
): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length && go()) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failure !== null) throw failure;
}
