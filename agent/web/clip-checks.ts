import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { errnoCode } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { NotFoundError } from './web-errors.ts';

/** A vault location as the ledger writes it: `sha256/ab/ab…` (nothing else is ever opened). */
const VAULT_REL = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The vault file of a clip, refusing any location that is not a content address below the vault. */
export function vaultFileOf(vaultDir: string, clip: Pick<ClipRecord, 'vaultRel'>): string {
  if (!VAULT_REL.test(clip.vaultRel)) throw new NotFoundError();
  return path.join(vaultDir, ...clip.vaultRel.split('/'));
}

/** Re-hash a clip's vault copy as a stream: ok, mismatch (size or digest), or missing. */
export async function rehashClip(vaultDir: string, clip: ClipRecord): Promise<'ok' | 'mismatch' | 'missing'> {
  const file = vaultFileOf(vaultDir, clip);
  try {
    const st = await stat(file);
    if (!st.isFile()) return 'missing';
    if (st.size !== clip.size) return 'mismatch';
    const hash = createHash('sha256');
    await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
    return hash.digest('hex') === clip.sha256 ? 'ok' : 'mismatch';
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return 'missing';
    throw err;
  }
}

/**
 * "Verify now" from the clip page: the re-hash runs off the request (a video may be gigabytes),
 * one at a time per clip, and its result goes into the ledger (clip.checked) when it is done.
 */
export class ClipChecks {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly ledger: Ledger,
    private readonly vaultDir: string,
    private readonly logger: Logger,
  ) {}

  /** Start checking a clip (no-op while a check of it runs). */
  start(clip: ClipRecord, checkedBy: string): void {
    if (this.running.has(clip.id)) return;
    const p = (async () => {
      try {
        const result = await rehashClip(this.vaultDir, clip);
        this.ledger.access.recordClipCheck(clip.id, result, checkedBy);
        if (result !== 'ok') this.logger.warn({ clipId: clip.id, result }, 'clip check found a problem');
      } catch (err) {
        this.logger.error({ err, clipId: clip.id }, 'clip check failed');
      }
    })().finally(() => this.running.delete(clip.id));
    this.running.set(clip.id, p);
  }

  /** Whether a check of this clip is running. */
  isRunning(clipId: string): boolean {
    return this.running.has(clipId);
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}
