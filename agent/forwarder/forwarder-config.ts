import { lazyValidator, schemaErrorLine } from '../../drivers/contract/json-schema.ts';
import type { BackoffPolicy } from './backoff.ts';
import { ForwarderConfigError } from './errors.ts';

/** The `file` target: a folder laid out as an object store. */
export interface FileTargetConfig {
  readonly type: 'file';
  readonly dir: string;
}

/** An S3-compatible object store (MinIO, Ceph, a government cloud's OSS). */
export interface S3TargetConfig {
  readonly type: 's3';
  readonly endpoint: string;
  readonly region?: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly credentialsFile?: string;
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  readonly objectLockRetainDays?: number;
  readonly conditionalWrites?: boolean;
  readonly timeoutMs?: number;
}

/** The JSON API of an existing platform. */
export interface HttpsTargetConfig {
  readonly type: 'https';
  readonly url: string;
  readonly checkpointUrl?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  readonly caFile?: string;
  readonly timeoutMs?: number;
}

/** Any target. */
export type TargetConfig = FileTargetConfig | S3TargetConfig | HttpsTargetConfig;

/** Whether personal fields may be sent at all (then only to a secure target). */
export type PersonalFieldsPolicy = 'send-when-secure' | 'never';

/** The forwarder section (schemas/forwarder-config.schema.json), with its defaults filled in. */
export interface ForwarderConfig {
  readonly target: TargetConfig;
  readonly batchSize: number;
  readonly backoff: Pick<BackoffPolicy, 'initialMs' | 'maxMs' | 'multiplier'>;
  readonly pollSeconds: number;
  readonly personalFields: PersonalFieldsPolicy;
  readonly keepDeliveredDays: number;
}

/** Per-request timeout of the s3 and https targets unless configured. */
export const DEFAULT_TARGET_TIMEOUT_MS = 30_000;

const validate = lazyValidator('forwarder-config.schema.json', { allErrors: true, useDefaults: true });

/**
 * Check a forwarder section against schemas/forwarder-config.schema.json and fill in its defaults.
 * The daemon gets the section already checked by the config loader; dockctl reads it from a file.
 * Every problem is listed in one ForwarderConfigError.
 */
export function parseForwarderConfig(raw: unknown, source = 'the forwarder configuration'): ForwarderConfig {
  const doc = structuredClone(raw);
  const check = validate();
  if (!check(doc)) {
    const problems = (check.errors ?? [])
      .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if')
      .map(schemaErrorLine);
    throw new ForwarderConfigError(
      `${source} is not valid: ${[...new Set(problems)].join('; ')}; see schemas/forwarder-config.schema.json`,
    );
  }
  return doc as ForwarderConfig;
}
