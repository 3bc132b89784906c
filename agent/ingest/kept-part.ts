import { createHash, type Hash } from 'node:crypto';
import type { promises as fsp } from 'node:fs';
import type { SourceFile } from '../../drivers/contract/source.ts';
import type { BufferPool } from './buffer-pool.ts';
import { type PrefixDigest, readResumeState, sameSource } from './resume-state.ts';
import type { SealJob } from './seal-pass.ts';

/**
 * Re-hash the kept part from local disk, checking it against the prefix digests taken from the
 * recorder, and truncate it to the longest prefix that still matches. Returns the hash of the
 * kept bytes and where to continue reading the recorder.
 */
export async function resumeFromKept(
  job: SealJob,
  source: SourceFile,
  dst: fsp.FileHandle,
  buffers: BufferPool,
): Promise<{ hash: Hash; offset: number; prefixDigests: PrefixDigest[] }> {
  let hash = createHash('sha256');
  const state = await readResumeState(job.statePath);
  const keptSize = (await dst.stat()).size;
  if (!state || !sameSource(state, job.resumeKey, source.size, source.mtimeMs) || keptSize === 0) {
    await dst.truncate(0);
    return { hash, offset: 0, prefixDigests: [] };
  }
  const usable = state.prefixDigests.filter((p) => p.offset <= Math.min(keptSize, state.offset));
  const buffer = buffers.acquire(job.tuning.bufferBytes);
  const kept: PrefixDigest[] = [];
  try {
    hash = await rehashKept(dst, buffer, usable, kept, hash);
  } finally {
    buffers.release(buffer);
  }
  const offset = kept.at(-1)?.offset ?? 0;
  await dst.truncate(offset);
  return { hash, offset, prefixDigests: kept };
}

/** Hash the kept part prefix by prefix, pushing each prefix it reproduces onto `kept`. */
async function rehashKept(
  dst: fsp.FileHandle,
  buffer: Buffer,
  usable: readonly PrefixDigest[],
  kept: PrefixDigest[],
  start: Hash,
): Promise<Hash> {
  let hash = start;
  let pos = 0;
  for (const prefix of usable) {
    const before = hash.copy();
    while (pos < prefix.offset) {
      const { bytesRead } = await dst.read(buffer, 0, Math.min(buffer.length, prefix.offset - pos), pos);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    if (pos !== prefix.offset || hash.copy().digest('hex') !== prefix.sha256) {
      hash = before; // the kept bytes stop matching here: keep what was proven before
      break;
    }
    kept.push(prefix);
  }
  return hash;
}
