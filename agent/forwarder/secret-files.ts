import { promises as fsp } from 'node:fs';
import { ForwarderConfigError, ForwarderSecretFileError } from './errors.ts';
import type { S3TargetConfig } from './forwarder-config.ts';

/**
 * Token, key, certificate and credentials files of the forwarder's and the off-site copier's
 * targets. Apart from create-target.ts so that the off-site transfer thread, which needs only
 * the S3 keys, does not load the forwarder's HTTP client (undici: ~9 MB per thread).
 */

/** Reads a secret file (default fs). */
export interface SecretReader {
  readonly readFile?: (file: string) => Promise<string>;
}

export async function readSecret(deps: SecretReader, what: string, file: string): Promise<string> {
  try {
    return await (deps.readFile ?? ((f: string) => fsp.readFile(f, 'utf8')))(file);
  } catch (err) {
    throw new ForwarderSecretFileError(what, file, err);
  }
}

/** The keys of an S3 target: inline, or from its credentials file (refused with one clear sentence). */
export async function s3Credentials(
  config: Pick<S3TargetConfig, 'credentials' | 'credentialsFile'>,
  deps: SecretReader,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  if (config.credentials) return config.credentials;
  const file = config.credentialsFile as string;
  let doc: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown };
  try {
    doc = JSON.parse(await readSecret(deps, 'S3 credentials', file)) as typeof doc;
  } catch (err) {
    if (err instanceof ForwarderSecretFileError) throw err;
    throw new ForwarderConfigError(
      `the S3 credentials file ${file} is not JSON: write {"accessKeyId": …, "secretAccessKey": …}`,
    );
  }
  if (typeof doc.accessKeyId !== 'string' || typeof doc.secretAccessKey !== 'string') {
    throw new ForwarderConfigError(
      `the S3 credentials file ${file} lacks accessKeyId or secretAccessKey: write {"accessKeyId": …, "secretAccessKey": …}`,
    );
  }
  return {
    accessKeyId: doc.accessKeyId,
    secretAccessKey: doc.secretAccessKey,
    ...(typeof doc.sessionToken === 'string' ? { sessionToken: doc.sessionToken } : {}),
  };
}
