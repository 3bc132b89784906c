import { S3Client } from '@aws-sdk/client-s3';
import { parseByteSize } from '../config/byte-size.ts';
import type { OffsiteSection } from '../config/dock-config.ts';
import { s3Credentials } from '../forwarder/secret-files.ts';
import { FolderOffsiteStore } from './folder-store.ts';
import type { LockMode, OffsiteStore } from './offsite-store.ts';
import { S3OffsiteStore } from './s3-store.ts';

/** An S3-compatible bucket, as configured. */
export interface S3OffsiteTarget {
  readonly type: 's3';
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly credentialsFile?: string;
  readonly objectLock: LockMode | null;
  readonly timeoutMs: number;
}

/** A folder on this machine (the demo's default; not off-site). */
export interface FolderOffsiteTarget {
  readonly type: 'folder';
  readonly dir: string;
}

/** The `offsite` section with its defaults, sizes in bytes. */
export interface OffsiteConfig {
  readonly target: S3OffsiteTarget | FolderOffsiteTarget;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly partConcurrency: number;
  readonly bytesPerSecond: number;
  readonly windows: readonly string[];
  readonly probeEveryMs: number;
}

const MiB = 1024 * 1024;

function size(v: unknown, fallback: number): number {
  return parseByteSize(v) ?? fallback;
}

/** Narrow the schema-checked section (defaults filled in by the loader; the rest here). */
export function parseOffsiteConfig(section: OffsiteSection): OffsiteConfig {
  const t = section.target as Record<string, unknown>;
  const target: S3OffsiteTarget | FolderOffsiteTarget =
    t.type === 's3'
      ? {
          type: 's3',
          endpoint: t.endpoint as string,
          region: (t.region as string | undefined) ?? 'us-east-1',
          bucket: t.bucket as string,
          prefix: (t.prefix as string | undefined) ?? '',
          forcePathStyle: (t.forcePathStyle as boolean | undefined) ?? true,
          ...(t.credentials ? { credentials: t.credentials as S3OffsiteTarget['credentials'] } : {}),
          ...(t.credentialsFile ? { credentialsFile: t.credentialsFile as string } : {}),
          objectLock: t.objectLock === undefined ? 'COMPLIANCE' : (t.objectLock as LockMode | null),
          timeoutMs: (t.timeoutMs as number | undefined) ?? 30_000,
        }
      : { type: 'folder', dir: t.dir as string };
  return {
    target,
    multipartThreshold: size(section.multipartThreshold, 128 * MiB),
    partSize: Math.max(5 * MiB, size(section.partSize, 16 * MiB)),
    partConcurrency: (section.partConcurrency as number | undefined) ?? 2,
    bytesPerSecond: size(section.bandwidth, 0),
    windows: (section.windows as string[] | undefined) ?? [],
    probeEveryMs: ((section.probeEveryHours as number | undefined) ?? 24) * 3_600_000,
  };
}

/** An SDK client for a store that checks nothing it cannot (OBJECT-STORE.md: Ceph refuses streamed checksums). */
export function offsiteS3Client(
  target: Pick<S3OffsiteTarget, 'endpoint' | 'region' | 'forcePathStyle' | 'timeoutMs'>,
  credentials: { accessKeyId: string; secretAccessKey: string },
): S3Client {
  // Node 20 is this product's runtime by design; the SDK's notice would only fill the journal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials,
    // The copier retries with its own backoff; a footage body stream cannot be replayed anyway.
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: target.timeoutMs },
  });
}

/** Build the configured store, reading its credentials file. */
export async function createOffsiteStore(
  config: Pick<OffsiteConfig, 'target'>,
  readFile?: (file: string) => Promise<string>,
): Promise<OffsiteStore> {
  const t = config.target;
  if (t.type === 'folder') return new FolderOffsiteStore(t.dir);
  const credentials = await s3Credentials(t, { ...(readFile ? { readFile } : {}) });
  return new S3OffsiteStore({
    client: offsiteS3Client(t, credentials),
    endpoint: t.endpoint,
    bucket: t.bucket,
    prefix: t.prefix,
    lockMode: t.objectLock,
    timeoutMs: t.timeoutMs,
  });
}
