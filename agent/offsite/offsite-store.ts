import type { Readable } from 'node:stream';

/** One stored object version. `versionId` is null on a store without versioning. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string | null;
  readonly size: number;
}

/** S3 Object Lock retention modes. */
export type LockMode = 'COMPLIANCE' | 'GOVERNANCE';

/** The lock a store reports on one version (read back, never assumed). */
export interface LockState {
  readonly mode: LockMode | null;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
}

/** One uploaded part of a multipart upload. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
}

/** A fresh body for each attempt: a stream can be read only once. */
export type BodySource = () => Readable;

/**
 * The off-site store port: an S3-compatible bucket in production (s3-store.ts), a local folder for
 * the embedded demo (folder-store.ts, labelled as not off-site), and doubles in tests. Every method
 * rejects with the store's error; the copier decides what to retry.
 */
export interface OffsiteStore {
  /** Where, for people and the ledger (no secrets): `s3:https://host/bucket/prefix`, `folder:/path`. */
  readonly description: string;
  /** False for a folder on this machine: not a copy at another site (R2). */
  readonly offsite: boolean;
  /** Encrypted and authenticated: labels (personal data) may be written (R11). */
  readonly secure: boolean;
  /** The Object Lock mode applied to footage, or null when the store is not set up for locks. */
  readonly lockMode: LockMode | null;
  /** The newest version at `key`, or null when there is none. */
  head(key: string): Promise<ObjectVersion | null>;
  /** Write one object in one request; `signal` cuts it off. */
  putObject(key: string, body: BodySource, size: number, signal?: AbortSignal): Promise<ObjectVersion>;
  /** Begin a multipart upload; returns its upload id. */
  createMultipart(key: string): Promise<string>;
  /** Upload one part (numbered from 1); returns its ETag. */
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BodySource,
    size: number,
    signal?: AbortSignal,
  ): Promise<string>;
  /** The parts the store holds for an upload, or null when it no longer knows the upload. */
  listParts(key: string, uploadId: string): Promise<UploadedPart[] | null>;
  /** Join the parts into the object. */
  completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<ObjectVersion>;
  /** Give up an upload and free its parts. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** The bytes of a version, or of `range` (inclusive `end`); `signal` cuts the transfer off. */
  read(
    version: ObjectVersion,
    range?: { readonly start: number; readonly end: number },
    signal?: AbortSignal,
  ): Promise<Readable>;
  /** Set (or extend) a version's retention. */
  setRetention(version: ObjectVersion, mode: LockMode, retainUntil: Date): Promise<void>;
  /** Set or clear a version's legal hold. */
  setLegalHold(version: ObjectVersion, on: boolean): Promise<void>;
  /** The lock the store reports on a version now. */
  lockState(version: ObjectVersion): Promise<LockState>;
  /** Delete one version for good: 'refused' when the store refuses (a lock or a hold). */
  deleteVersion(version: ObjectVersion): Promise<'deleted' | 'refused'>;
  /** Every version below `prefix` (for the probe's old canaries). */
  listVersions(prefix: string): Promise<ObjectVersion[]>;
  /** Release connections. */
  close(): Promise<void>;
}

/** The store has no such object or version. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.$metadata?.httpStatusCode === 404 ||
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NoSuchVersion' ||
    e?.code === 'ENOENT'
  );
}

/** One line about a store's error: the SDK's messages are often just "UnknownError". */
export function storeErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name && e.name !== 'Error' ? e.name : '';
  const message = e?.message && e.message !== 'UnknownError' && e.message !== name ? e.message : '';
  return [name, status ? `(HTTP ${status})` : '', message].filter(Boolean).join(' ') || String(err);
}
