import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { errnoCode } from '../errors.ts';
import { writeFileDurable } from '../fs/durable-write.ts';
import { DockKeyError } from './errors.ts';

/** The dock's Ed25519 key pair, which signs checkpoints. */
export interface DockKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Base64 of the public key's DER SubjectPublicKeyInfo: how the key appears in the ledger. */
  readonly publicKeyB64: string;
  /** Hex SHA-256 of that DER: the key's fingerprint, carried by every checkpoint. */
  readonly keyId: string;
}

/** The key files below the state folder: private PKCS#8 PEM (0600) and public SPKI PEM (0644). */
export function dockKeyFiles(stateDir: string): { privateFile: string; publicFile: string } {
  return {
    privateFile: path.join(stateDir, 'dock-key.pem'),
    publicFile: path.join(stateDir, 'dock-key.pub.pem'),
  };
}

/** Fingerprint of a public key: hex SHA-256 of its DER SubjectPublicKeyInfo. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The public key from its ledger form (base64 DER SPKI). Throws when it is not an Ed25519 key. */
export function publicKeyFromB64(b64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key (${key.asymmetricKeyType})`);
  return key;
}

function pairOf(privateKey: KeyObject): DockKeyPair {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, publicKeyB64: der.toString('base64'), keyId: keyIdOf(publicKey) };
}

/** True when the private key file exists (the dock has been initialised at least that far). */
export async function dockKeyExists(stateDir: string): Promise<boolean> {
  try {
    await fsp.stat(dockKeyFiles(stateDir).privateFile);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw new DockKeyError(
      dockKeyFiles(stateDir).privateFile,
      `cannot be inspected (${errnoCode(err)})`,
      err,
    );
  }
}

/** Create a new key pair and write both files durably. Only on a dock's first start. */
export async function createDockKey(stateDir: string, logger: Logger): Promise<DockKeyPair> {
  const { privateFile, publicFile } = dockKeyFiles(stateDir);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pair = pairOf(privateKey);
  await writeFileDurable(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFileDurable(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  logger.info({ keyId: pair.keyId }, 'dock key created');
  return pair;
}

/**
 * Load the key pair. A private key readable by others is tightened to 0600 (with a warning); a
 * missing public file is rewritten from the private key. An unreadable key is an error, never
 * replaced.
 */
export async function loadDockKey(stateDir: string, logger: Logger): Promise<DockKeyPair> {
  const { privateFile, publicFile } = dockKeyFiles(stateDir);
  let pem: string;
  try {
    const st = await fsp.stat(privateFile);
    if ((st.mode & 0o077) !== 0) {
      await fsp.chmod(privateFile, 0o600);
      logger.warn(
        { file: privateFile, mode: (st.mode & 0o777).toString(8) },
        'dock key was readable by others; mode set to 0600',
      );
    }
    pem = await fsp.readFile(privateFile, 'utf8');
  } catch (err) {
    throw new DockKeyError(privateFile, `cannot be read (${errnoCode(err) ?? 'error'})`, err);
  }
  let pair: DockKeyPair;
  try {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    pair = pairOf(privateKey);
  } catch (err) {
    throw new DockKeyError(privateFile, 'is not a valid Ed25519 private key', err);
  }
  if (!(await fileExists(publicFile))) {
    await writeFileDurable(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }), {
      mode: 0o644,
    });
  }
  return pair;
}

/** The public key from the public key file, or null when there is none. Used by verify. */
export async function readDockPublicKey(stateDir: string): Promise<KeyObject | null> {
  const { publicFile } = dockKeyFiles(stateDir);
  let pem: string;
  try {
    pem = await fsp.readFile(publicFile, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw new DockKeyError(publicFile, `cannot be read (${errnoCode(err) ?? 'error'})`, err);
  }
  try {
    return createPublicKey(pem);
  } catch (err) {
    throw new DockKeyError(publicFile, 'is not a valid public key', err);
  }
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}
