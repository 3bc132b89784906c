import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { errnoCode } from '../errors.ts';
import { writeFileDurable } from '../fs/durable-write.ts';
import { isSha256Hex } from '../ledger/vault-path.ts';
import type { UploadedPart } from './offsite-store.ts';

/** A multipart upload in progress, as persisted after every completed part. */
export interface UploadRecord {
  readonly v: 1;
  readonly sha256: string;
  /** The store's description: an upload belongs to one store. */
  readonly store: string;
  readonly key: string;
  readonly uploadId: string;
  readonly size: number;
  readonly partSize: number;
  readonly parts: readonly UploadedPart[];
  readonly startedAt: string;
}

function isRecord(x: unknown): x is UploadRecord {
  const r = x as UploadRecord;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.v === 1 &&
    typeof r.sha256 === 'string' &&
    typeof r.store === 'string' &&
    typeof r.key === 'string' &&
    typeof r.uploadId === 'string' &&
    Number.isSafeInteger(r.size) &&
    Number.isSafeInteger(r.partSize) &&
    Array.isArray(r.parts) &&
    r.parts.every((p) => Number.isSafeInteger(p.partNumber) && typeof p.etag === 'string')
  );
}

/**
 * The durable memory of multipart uploads (`<stateDir>/offsite/uploads/<sha256>.json`), written
 * through the one durable-write helper after each part, so a copy resumes after a restart, a power
 * cut or days offline from its last completed part.
 */
export class UploadJournal {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  private file(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error(`'${sha256}' is not a SHA-256 digest`);
    return path.join(this.dir, `${sha256}.json`);
  }

  /**
   * The record of an upload of `sha256`, or null. An unreadable record is moved aside (named in the
   * log) and the upload starts again: its parts on the store are then orphans, which the bucket's
   * lifecycle rule for incomplete uploads removes.
   */
  async load(sha256: string): Promise<UploadRecord | null> {
    const file = this.file(sha256);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
    try {
      const rec: unknown = JSON.parse(text);
      if (isRecord(rec) && rec.sha256 === sha256) return rec;
    } catch {
      // handled below
    }
    const aside = `${file}.unreadable-${Date.now()}`;
    await fsp.rename(file, aside);
    this.logger.warn({ file, movedTo: aside }, 'offsite upload record unreadable: the upload starts again');
    return null;
  }

  /** Persist a record durably (temp, fsync, rename, fsync dir). */
  async save(rec: UploadRecord): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o750 });
    await writeFileDurable(this.file(rec.sha256), JSON.stringify(rec), { mode: 0o640 });
  }

  /** Forget an upload (completed or abandoned). */
  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.file(sha256), { force: true });
  }

  /** Digests with an upload in progress. */
  async list(): Promise<string[]> {
    try {
      return (await fsp.readdir(this.dir))
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -5))
        .filter(isSha256Hex);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
  }
}
