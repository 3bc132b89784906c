import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { ForwarderConfigError } from './errors.ts';
import { FileTarget } from './file-target.ts';
import {
  DEFAULT_TARGET_TIMEOUT_MS,
  type HttpsTargetConfig,
  type S3TargetConfig,
  type TargetConfig,
} from './forwarder-config.ts';
import { defaultCheckpointUrl, HttpsTarget } from './https-target.ts';
import { S3Target } from './s3-target.ts';
import { readSecret, s3Credentials } from './secret-files.ts';
import type { ForwardTarget } from './target.ts';

/** What building a target needs besides its configuration. */
export interface TargetDeps {
  /** A relative file target `dir` is taken below this folder. */
  readonly stateDir: string;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Reads token, key, certificate and credentials files (default fs). */
  readonly readFile?: (file: string) => Promise<string>;
}

async function s3Target(config: S3TargetConfig, deps: TargetDeps): Promise<S3Target> {
  const credentials = await s3Credentials(config, deps);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS;
  // Node 20 is this product's runtime by design; the SDK's notice about Node 22 would only fill
  // the journal on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region ?? 'us-east-1',
    forcePathStyle: config.forcePathStyle ?? true,
    credentials,
    // The forwarder's own backoff does the retrying, with Retry-After and a status to show.
    maxAttempts: 1,
    // MinIO, Ceph and OSS versions in the field do not all know the newer checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  const lock =
    config.objectLockMode && config.objectLockRetainDays
      ? { mode: config.objectLockMode, retainDays: config.objectLockRetainDays }
      : null;
  return new S3Target({
    client,
    endpoint: config.endpoint,
    bucket: config.bucket,
    prefix: config.prefix ?? '',
    secure: new URL(config.endpoint).protocol === 'https:',
    objectLock: lock,
    conditionalWrites: config.conditionalWrites ?? true,
    timeoutMs,
    now: deps.now ?? (() => new Date()),
  });
}

async function httpsTarget(config: HttpsTargetConfig, deps: TargetDeps): Promise<HttpsTarget> {
  const plain = new URL(config.url).protocol !== 'https:';
  const hasCredential = config.token || config.tokenFile || config.clientCertFile;
  if (plain && hasCredential) {
    throw new ForwarderConfigError(
      `the https target ${config.url} would send its token or certificate unencrypted: use an https: URL`,
    );
  }
  const token = config.token ?? (config.tokenFile ? await readSecret(deps, 'token', config.tokenFile) : null);
  const firstLine = token?.split('\n')[0]?.trim() ?? null;
  if (token !== null && !firstLine)
    throw new ForwarderConfigError(`the token file ${config.tokenFile} is empty: put the bearer token in it`);
  const tls: { cert?: string; key?: string; ca?: string } = {};
  if (config.clientCertFile) tls.cert = await readSecret(deps, 'client certificate', config.clientCertFile);
  if (config.clientKeyFile) tls.key = await readSecret(deps, 'client key', config.clientKeyFile);
  if (config.caFile) tls.ca = await readSecret(deps, 'CA', config.caFile);
  return new HttpsTarget({
    url: config.url,
    checkpointUrl: config.checkpointUrl ?? defaultCheckpointUrl(config.url),
    token: firstLine,
    tls,
    timeoutMs: config.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS,
    now: deps.now ?? (() => new Date()),
  });
}

/**
 * Build the target a (schema-checked) forwarder configuration names, reading its secret files.
 * Refuses a token or client certificate over plain http. Says in the log whether personal fields
 * will be sent (secure target) or withheld (R11); the log never holds a secret.
 */
export async function createTarget(config: TargetConfig, deps: TargetDeps): Promise<ForwardTarget> {
  let target: ForwardTarget;
  if (config.type === 'file') target = new FileTarget(path.resolve(deps.stateDir, config.dir));
  else if (config.type === 's3') target = await s3Target(config, deps);
  else target = await httpsTarget(config, deps);
  deps.logger.info(
    { target: target.description, secure: target.secure },
    target.secure
      ? 'forwarder target is authenticated and encrypted'
      : 'forwarder target is not secure: personal fields are withheld',
  );
  return target;
}
