/**
 * Object keys of the object-store targets (file and s3), relative to the target's prefix. Keys are
 * derived from the dock id, the epoch and sequence numbers only, so the same batch always has the
 * same key, and a key once written is never written with other content.
 *
 *   <dock>/dock.json                                        the dock's identity (public key)
 *   <dock>/epochs/<epoch>/batches/<first>-<last>.json       one batch, seq numbers 16 digits
 *   <dock>/checkpoints/<inverse>-<seq>-<head16>.json        a signed checkpoint (each batch's newest)
 *
 * A checkpoint key begins with 9999999999999999 − seq, so listing the folder in key order (which
 * every S3 store does) gives the newest checkpoint first. Its head's first 16 hex digits are in the
 * key too: after a restore, a different head at the same seq is kept beside the first, as evidence.
 */

const WIDTH = 16;
// 10^16 − 1 is beyond 2^53: the inversion is computed exactly, in BigInt.
const MAX_SEQ = 10n ** BigInt(WIDTH) - 1n;

function pad(n: number): string {
  return String(n).padStart(WIDTH, '0');
}

/** Key of a batch of records `first`…`last` in `epoch`. */
export function batchKey(dock: string, epoch: string, first: number, last: number): string {
  return `${dock}/epochs/${epoch}/batches/${pad(first)}-${pad(last)}.json`;
}

/** Folder (key prefix) of a dock's checkpoints. */
export function checkpointFolder(dock: string): string {
  return `${dock}/checkpoints/`;
}

/** Key of a checkpoint. */
export function checkpointKey(dock: string, seq: number, head: string): string {
  const inverse = (MAX_SEQ - BigInt(seq)).toString().padStart(WIDTH, '0');
  return `${checkpointFolder(dock)}${inverse}-${pad(seq)}-${head.slice(0, 16)}.json`;
}

/** Key of the dock's identity record. */
export function dockKey(dock: string): string {
  return `${dock}/dock.json`;
}
