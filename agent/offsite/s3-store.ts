import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  type BodySource,
  isNotFound,
  type LockMode,
  type LockState,
  type ObjectVersion,
  type OffsiteStore,
  type UploadedPart,
} from './offsite-store.ts';

/** How the S3 store talks to its bucket. */
export interface S3StoreOptions {
  /** An AWS SDK v3 client (endpoint, region, credentials, `requestChecksumCalculation: 'WHEN_REQUIRED'`). */
  readonly client: S3Client;
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix ending in '/', or ''. */
  readonly prefix: string;
  readonly lockMode: LockMode | null;
  /** Bound on requests that carry no footage (HEAD, lock calls, listings). */
  readonly timeoutMs: number;
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * The off-site store on an S3-compatible bucket through the AWS SDK v3. Keys given to it are
 * relative; the prefix is added here. It takes no word of the store's for proof: callers read
 * objects back and hash them, and read locks back after setting them.
 */
export class S3OffsiteStore implements OffsiteStore {
  readonly description: string;
  readonly offsite = true;
  readonly secure: boolean;
  readonly lockMode: LockMode | null;
  private readonly bucket: string;

  constructor(private readonly opts: S3StoreOptions) {
    this.description = `s3:${opts.endpoint.replace(/\/+$/, '')}/${opts.bucket}/${opts.prefix}`;
    this.secure = new URL(opts.endpoint).protocol === 'https:';
    this.lockMode = opts.lockMode;
    this.bucket = opts.bucket;
  }

  private k(key: string): string {
    return `${this.opts.prefix}${key}`;
  }

  private limit(): { abortSignal: AbortSignal } {
    return { abortSignal: AbortSignal.timeout(this.opts.timeoutMs) };
  }

  private version(key: string, versionId: string | undefined, size: number): ObjectVersion {
    return { key, versionId: versionId ?? null, size };
  }

  private at(v: ObjectVersion): { Bucket: string; Key: string; VersionId?: string } {
    return { Bucket: this.bucket, Key: this.k(v.key), ...(v.versionId ? { VersionId: v.versionId } : {}) };
  }

  async head(key: string): Promise<ObjectVersion | null> {
    try {
      const h = await this.opts.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.k(key) }),
        this.limit(),
      );
      return this.version(key, h.VersionId, h.ContentLength ?? 0);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async putObject(key: string, body: BodySource, size: number, signal?: AbortSignal): Promise<ObjectVersion> {
    const out = await this.opts.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.k(key), Body: body(), ContentLength: size }),
      signal ? { abortSignal: signal } : {},
    );
    return this.version(key, out.VersionId, size);
  }

  async createMultipart(key: string): Promise<string> {
    const out = await this.opts.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.k(key) }),
      this.limit(),
    );
    if (!out.UploadId) throw new Error(`the store ${this.description} returned no upload id for ${key}`);
    return out.UploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BodySource,
    size: number,
    signal?: AbortSignal,
  ): Promise<string> {
    const out = await this.opts.client.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: this.k(key),
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body(),
        ContentLength: size,
      }),
      signal ? { abortSignal: signal } : {},
    );
    if (!out.ETag) throw new Error(`the store ${this.description} returned no ETag for part ${partNumber}`);
    return out.ETag;
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[] | null> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const out = await this.opts.client.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: this.k(key),
            UploadId: uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
          this.limit(),
        );
        for (const p of out.Parts ?? []) {
          if (p.PartNumber && p.ETag)
            parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
        }
        if (!out.IsTruncated || !out.NextPartNumberMarker) return parts;
        marker = String(out.NextPartNumberMarker);
      }
    } catch (err) {
      if (isNotFound(err) || (err as { name?: string }).name === 'NoSuchUpload') return null;
      throw err;
    }
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<ObjectVersion> {
    const out = await this.opts.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.k(key),
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
    const size = parts.reduce((n, p) => n + p.size, 0);
    if (out.VersionId) return this.version(key, out.VersionId, size);
    // Some stores (Ceph Pacific) answer Complete with little: HEAD says which version it made.
    const head = await this.head(key);
    if (!head) throw new Error(`the store ${this.description} completed ${key} but does not show it`);
    return head;
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.opts.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.k(key), UploadId: uploadId }),
        this.limit(),
      );
    } catch (err) {
      if (!isNotFound(err) && (err as { name?: string }).name !== 'NoSuchUpload') throw err;
    }
  }

  async read(
    version: ObjectVersion,
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ): Promise<Readable> {
    const out = await this.opts.client.send(
      new GetObjectCommand({
        ...this.at(version),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    if (!out.Body) throw new Error(`the store ${this.description} returned no body for ${version.key}`);
    return out.Body as Readable;
  }

  async setRetention(version: ObjectVersion, mode: LockMode, retainUntil: Date): Promise<void> {
    await this.opts.client.send(
      new PutObjectRetentionCommand({
        ...this.at(version),
        Retention: { Mode: mode, RetainUntilDate: retainUntil },
      }),
      this.limit(),
    );
  }

  async setLegalHold(version: ObjectVersion, on: boolean): Promise<void> {
    await this.opts.client.send(
      new PutObjectLegalHoldCommand({ ...this.at(version), LegalHold: { Status: on ? 'ON' : 'OFF' } }),
      this.limit(),
    );
  }

  async lockState(version: ObjectVersion): Promise<LockState> {
    // Both reads at once: the verification of every copy waits for them.
    const [retention, hold] = await Promise.all([
      this.opts.client
        .send(new GetObjectRetentionCommand(this.at(version)), this.limit())
        .catch((err: unknown) => {
          if (noLock(err)) return null;
          throw err;
        }),
      this.opts.client
        .send(new GetObjectLegalHoldCommand(this.at(version)), this.limit())
        .catch((err: unknown) => {
          if (noLock(err)) return null;
          throw err;
        }),
    ]);
    return {
      mode: (retention?.Retention?.Mode as LockMode | undefined) ?? null,
      retainUntil: retention?.Retention?.RetainUntilDate ?? null,
      legalHold: hold?.LegalHold?.Status === 'ON',
    };
  }

  async deleteVersion(version: ObjectVersion): Promise<'deleted' | 'refused'> {
    try {
      await this.opts.client.send(new DeleteObjectCommand(this.at(version)), this.limit());
      return 'deleted';
    } catch (err) {
      if (status(err) === 403 || (err as { name?: string }).name === 'AccessDenied') return 'refused';
      throw err;
    }
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.opts.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: this.k(prefix),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
        this.limit(),
      );
      for (const v of page.Versions ?? []) {
        if (v.Key) out.push(this.version(v.Key.slice(this.opts.prefix.length), v.VersionId, v.Size ?? 0));
      }
      if (!page.IsTruncated) return out;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  }

  async close(): Promise<void> {
    this.opts.client.destroy();
  }
}

/**
 * A lock read the store answered with a refusal (no retention, no legal hold, no Object Lock on the
 * bucket, not allowed): the lock is not shown, so it does not count. Faults of the link or the
 * store (5xx, timeouts) are errors.
 */
function noLock(err: unknown): boolean {
  const code = status(err);
  return isNotFound(err) || (code !== undefined && code >= 400 && code < 500 && code !== 408 && code !== 429);
}
