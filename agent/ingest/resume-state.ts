import { promises as fsp } from 'node:fs';
import { writeFileDurable } from '../fs/durable-write.ts';
import type { VerifyMethod } from './verify-pass.ts';

/**
 * The SHA-256 of the first `offset` bytes of the source, taken while copying. A kept partial copy
 * is trusted on resume only up to the last prefix digest its bytes still reproduce.
 */
export interface PrefixDigest {
  readonly offset: number;
  readonly sha256: string;
}

/** What is kept beside a partial copy so the next dock can resume it. */
export interface ResumeState {
  readonly version: 1;
  /** The caller's key for this source (recorder serial + path on the recorder, typically). */
  readonly resumeKey: string;
  readonly sourcePath: string;
  readonly sourceSize: number;
  readonly sourceMtimeMs: number;
  /** Bytes of the staged part that the prefix digests vouch for. */
  readonly offset: number;
  readonly prefixDigests: readonly PrefixDigest[];
  readonly updatedAt: string;
  /**
   * Written just before the verified copy is published, and removed with the state only after the
   * caller recorded its seal: a state that still has it after a crash names a vault file whose
   * seal may be missing, and what it was copied from.
   */
  readonly published?: PublishedCopy;
}

/** The verified copy a state's source was published as (IngestResult's facts of it). */
export interface PublishedCopy {
  readonly sha256: string;
  readonly size: number;
  readonly headSha256: string;
  readonly verifiedBy: VerifyMethod;
  readonly sourceChanged: boolean;
  readonly resumedFrom: number;
  /** When it was verified (ISO): the seal's time if it is sealed later from this state. */
  readonly sealedAt: string;
}

/** Read a resume state; null when there is none. A corrupt state file is an error, not a fresh start. */
export async function readResumeState(statePath: string): Promise<ResumeState | null> {
  let text: string;
  try {
    text = await fsp.readFile(statePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = JSON.parse(text) as ResumeState;
  if (parsed.version !== 1 || !Array.isArray(parsed.prefixDigests) || typeof parsed.offset !== 'number') {
    throw new Error(`resume state ${statePath} is not a version 1 state`);
  }
  return parsed;
}

/** Write a resume state durably (temp file, fsync, rename, fsync dir). */
export function writeResumeState(statePath: string, state: ResumeState): Promise<void> {
  return writeFileDurable(statePath, `${JSON.stringify(state)}\n`, { mode: 0o640 });
}

/** True when `state` describes the same source file as the one now opened. */
export function sameSource(state: ResumeState, key: string, size: number, mtimeMs: number): boolean {
  return state.resumeKey === key && state.sourceSize === size && Math.abs(state.sourceMtimeMs - mtimeMs) < 1;
}
