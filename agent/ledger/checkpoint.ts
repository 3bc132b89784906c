import { type KeyObject, sign, verify } from 'node:crypto';
import { canonicalBytes } from './canonical-json.ts';
import { CheckpointFormatError } from './errors.ts';

/** Version of the checkpoint document. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Prefix of the signed bytes, so a checkpoint signature can never be taken for another message. */
export const CHECKPOINT_SIGNING_PREFIX = 'recorder-dock/checkpoint/v1\n';

/**
 * A signed statement "the ledger of dock `dock` has, at sequence `seq`, head hash `head`". This
 * JSON object is what the forwarder sends upstream and what `dockctl verify --against` reads.
 * Schema: schemas/checkpoint.schema.json.
 */
export interface Checkpoint {
  readonly v: typeof CHECKPOINT_FORMAT_VERSION;
  readonly dock: string;
  readonly seq: number;
  /** Hash of event `seq`, hex. */
  readonly head: string;
  /** When it was signed (ISO-8601 UTC). */
  readonly at: string;
  /** Fingerprint of the signing key (hex SHA-256 of its DER SPKI). */
  readonly key: string;
  /** Ed25519 signature over `checkpointSigningBytes`, base64. */
  readonly sig: string;
}

/** The checkpoint without its signature: the part that is signed. */
export type CheckpointClaim = Omit<Checkpoint, 'sig'>;

/** The bytes signed: the prefix, then the canonical JSON of every field except `sig`. */
export function checkpointSigningBytes(claim: CheckpointClaim): Buffer {
  const { v, dock, seq, head, at, key } = claim;
  return Buffer.concat([
    Buffer.from(CHECKPOINT_SIGNING_PREFIX, 'utf8'),
    canonicalBytes({ v, dock, seq, head, at, key }),
  ]);
}

/** Sign a claim with the dock's private key. */
export function signCheckpoint(claim: CheckpointClaim, privateKey: KeyObject): Checkpoint {
  const sig = sign(null, checkpointSigningBytes(claim), privateKey).toString('base64');
  return { ...claim, sig };
}

/** True when `cp.sig` is a valid signature of its claim by `publicKey`. */
export function checkpointSignatureValid(cp: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointSigningBytes(cp), publicKey, Buffer.from(cp.sig, 'base64'));
  } catch {
    return false;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parse and shape-check a checkpoint document (signature not checked here). */
export function parseCheckpoint(text: string, source: string): Checkpoint {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CheckpointFormatError(source, 'not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new CheckpointFormatError(source, 'not an object');
  const d = doc as Record<string, unknown>;
  const problems: string[] = [];
  if (d.v !== CHECKPOINT_FORMAT_VERSION) problems.push(`v must be ${CHECKPOINT_FORMAT_VERSION}`);
  if (typeof d.dock !== 'string' || d.dock === '') problems.push('dock must be a string');
  if (!Number.isSafeInteger(d.seq) || (d.seq as number) < 1) problems.push('seq must be a positive integer');
  if (typeof d.head !== 'string' || !HEX64.test(d.head)) problems.push('head must be 64 hex digits');
  if (typeof d.at !== 'string' || Number.isNaN(Date.parse(d.at))) problems.push('at must be an ISO time');
  if (typeof d.key !== 'string' || !HEX64.test(d.key)) problems.push('key must be 64 hex digits');
  if (typeof d.sig !== 'string' || d.sig === '') problems.push('sig must be base64');
  if (problems.length > 0) throw new CheckpointFormatError(source, problems.join('; '));
  return doc as Checkpoint;
}

/** A row of the `checkpoints` table. */
export interface CheckpointRow {
  readonly seq: number;
  readonly head: string;
  readonly at: string;
  readonly key_id: string;
  readonly sig: string;
}

/** The checkpoint document of a stored row. */
export function checkpointFromRow(row: CheckpointRow, dockId: string): Checkpoint {
  return {
    v: CHECKPOINT_FORMAT_VERSION,
    dock: dockId,
    seq: row.seq,
    head: row.head,
    at: row.at,
    key: row.key_id,
    sig: row.sig,
  };
}
