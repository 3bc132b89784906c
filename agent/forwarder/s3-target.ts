import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.ts';
import { parseRetryAfter } from './backoff.ts';
import type { OutgoingBatch } from './batch.ts';
import { CheckpointFetchError } from './errors.ts';
import { checkpointFolder } from './object-keys.ts';
import { type ForwardTarget, retryOutcome, type SendOutcome } from './target.ts';

type PutResult = 'written' | 'same' | 'different';

/** How the s3 target writes. */
export interface S3TargetOptions {
  /** An AWS SDK v3 client for the store (endpoint, region, credentials set). */
  readonly client: S3Client;
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix ending in '/', or ''. */
  readonly prefix: string;
  /** https endpoint with credentials: personal fields may be sent (R11). */
  readonly secure: boolean;
  readonly objectLock: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number } | null;
  /** Send If-None-Match: * on every PUT (stores that do not know it are detected and skipped). */
  readonly conditionalWrites: boolean;
  readonly timeoutMs: number;
  readonly now: () => Date;
}

/** Fields of an AWS SDK error this target looks at. */
interface SdkError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Record<string, string | undefined> };
}

function statusOf(err: unknown): number | undefined {
  return (err as SdkError).$metadata?.httpStatusCode;
}

function isMissing(err: unknown): boolean {
  const name = (err as SdkError).name;
  return statusOf(err) === 404 || name === 'NotFound' || name === 'NoSuchKey';
}

/**
 * The `s3` target: batches as immutable objects in an S3-compatible store, through the AWS SDK v3.
 * An object is never overwritten: every PUT is preceded by a HEAD (some stores, s3rver among them,
 * ignore If-None-Match on PUT), and carries If-None-Match: * where the store honours it. An object
 * already there with the same SHA-256 (metadata `sha256`, else its content) counts as delivered.
 */
export class S3Target implements ForwardTarget {
  readonly description: string;
  readonly identity: string;
  readonly secure: boolean;
  private conditional: boolean;

  constructor(private readonly opts: S3TargetOptions) {
    this.description = `s3:${opts.endpoint.replace(/\/+$/, '')}/${opts.bucket}/${opts.prefix}`;
    this.identity = this.description;
    this.secure = opts.secure;
    this.conditional = opts.conditionalWrites;
  }

  async send(batch: OutgoingBatch): Promise<SendOutcome> {
    try {
      for (const obj of batch.standalone) await this.putOnce(obj.key, obj.body, obj.sha256);
      const result = await this.putOnce(batch.key, batch.body, batch.sha256);
      if (result === 'different') return { kind: 'conflict', key: batch.key };
      return { kind: 'acked', duplicate: result === 'same' };
    } catch (err) {
      return this.failure(err);
    }
  }

  async fetchLatestCheckpoint(dockId: string): Promise<Checkpoint | null> {
    const prefix = `${this.opts.prefix}${checkpointFolder(dockId)}`;
    try {
      // ListObjects (v1): every S3-compatible store has it, and s3rver fails a truncated v2 listing.
      const list = await this.opts.client.send(
        new ListObjectsCommand({ Bucket: this.opts.bucket, Prefix: prefix, MaxKeys: 1 }),
        this.limit(),
      );
      const key = list.Contents?.[0]?.Key;
      if (key === undefined) return null;
      const got = await this.opts.client.send(
        new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }),
        this.limit(),
      );
      const text = (await got.Body?.transformToString('utf8')) ?? '';
      return parseCheckpoint(text, `${this.description}${key.slice(this.opts.prefix.length)}`);
    } catch (err) {
      if ((err as { code?: string }).code === 'CHECKPOINT_FORMAT') throw err;
      throw new CheckpointFetchError(this.description, (err as Error).name || (err as Error).message, {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    this.opts.client.destroy();
  }

  /** Per-request options: every call is bounded by the timeout. */
  private limit(): { abortSignal: AbortSignal } {
    return { abortSignal: AbortSignal.timeout(this.opts.timeoutMs) };
  }

  private failure(err: unknown): SendOutcome {
    const status = statusOf(err);
    const header = (err as SdkError).$response?.headers?.['retry-after'];
    const retryAfter = parseRetryAfter(header, this.opts.now());
    const name = (err as SdkError).name ?? 'Error';
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      // A store's 4xx is about access or configuration (AccessDenied, NoSuchBucket), never about the
      // records: they are opaque bytes to it. Retry, and say what to fix.
      return {
        kind: 'retry',
        code: name,
        message: `the store refused (${status} ${name}): check the bucket, its permissions and the credentials`,
        retryAfterMs: retryAfter,
      };
    }
    return retryOutcome(err, `the store at ${this.opts.endpoint} failed`, retryAfter);
  }

  /** SHA-256 of the object at `key`, or null when there is none. */
  private async existingDigest(key: string): Promise<string | null> {
    let meta: Record<string, string> | undefined;
    try {
      meta = (
        await this.opts.client.send(
          new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }),
          this.limit(),
        )
      ).Metadata;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    if (meta?.sha256) return meta.sha256;
    // Written by someone else without our metadata: hash what is there.
    const got = await this.opts.client.send(
      new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }),
      this.limit(),
    );
    const bytes = (await got.Body?.transformToByteArray()) ?? new Uint8Array();
    return createHash('sha256').update(bytes).digest('hex');
  }

  private putInput(key: string, body: Buffer, sha256: string): PutObjectCommandInput {
    const lock = this.opts.objectLock;
    return {
      Bucket: this.opts.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      // Content-MD5 lets the store check the bytes, and object-lock PUTs require it.
      ContentMD5: createHash('md5').update(body).digest('base64'),
      Metadata: { sha256 },
      ...(this.conditional ? { IfNoneMatch: '*' } : {}),
      ...(lock
        ? {
            ObjectLockMode: lock.mode,
            ObjectLockRetainUntilDate: new Date(this.opts.now().getTime() + lock.retainDays * 86_400_000),
          }
        : {}),
    };
  }

  private async putOnce(relKey: string, body: Buffer, sha256: string): Promise<PutResult> {
    const key = `${this.opts.prefix}${relKey}`;
    const existing = await this.existingDigest(key);
    if (existing !== null) return existing === sha256 ? 'same' : 'different';
    try {
      await this.opts.client.send(new PutObjectCommand(this.putInput(key, body, sha256)), this.limit());
      return 'written';
    } catch (err) {
      const status = statusOf(err);
      if (status === 412 || (err as SdkError).name === 'PreconditionFailed' || status === 409) {
        // Someone wrote the key between our HEAD and PUT: what is there decides.
        return (await this.existingDigest(key)) === sha256 ? 'same' : 'different';
      }
      if (this.conditional && (status === 501 || (err as SdkError).name === 'NotImplemented')) {
        this.conditional = false;
        await this.opts.client.send(new PutObjectCommand(this.putInput(key, body, sha256)), this.limit());
        return 'written';
      }
      throw err;
    }
  }
}
