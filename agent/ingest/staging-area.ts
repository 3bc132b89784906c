import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { type ResumeState, readResumeState } from './resume-state.ts';

/** One partial or just-published copy in the staging area: its resume state and part. */
export interface StagedCopy {
  readonly statePath: string;
  readonly stagedPath: string;
  /** Null when the state file cannot be read as a resume state. */
  readonly state: ResumeState | null;
  /** When the state was last written (ms). */
  readonly mtimeMs: number;
}

const STATE_SUFFIX = '.state.json';
const PART_SUFFIX = '.part';

/**
 * The staging area's partial copies as a whole (VaultLayout.stagingFor names one): which are
 * there, and removing those no dock can resume any more. A part is only a cache of bytes still
 * on the recorder, but a state that names a published copy (`published`) is the record of a
 * vault file whose seal may be missing: it is never removed here by age.
 */
export class StagingArea {
  constructor(
    private readonly stagingDir: string,
    private readonly logger: Logger,
  ) {}

  /** Every resume state in the staging area, with its part's path. */
  async copies(): Promise<StagedCopy[]> {
    const names = await fsp.readdir(this.stagingDir).catch(() => [] as string[]);
    const out: StagedCopy[] = [];
    for (const name of names.filter((n) => n.endsWith(STATE_SUFFIX))) {
      const statePath = path.join(this.stagingDir, name);
      const stagedPath = statePath.slice(0, -STATE_SUFFIX.length) + PART_SUFFIX;
      const stat = await fsp.stat(statePath).catch(() => null);
      if (!stat) continue; // removed meanwhile
      out.push({ statePath, stagedPath, state: await this.read(statePath), mtimeMs: stat.mtimeMs });
    }
    return out;
  }

  /** Remove a copy: its part first (a state without its part resumes from byte 0), then its state. */
  async remove(copy: Pick<StagedCopy, 'statePath' | 'stagedPath'>, why: string): Promise<void> {
    await fsp.rm(copy.stagedPath, { force: true });
    await fsp.rm(copy.statePath, { force: true });
    this.logger.info({ statePath: copy.statePath, why }, 'staged copy removed');
  }

  /**
   * At start, before any copy runs: remove parts no dock can resume (a part without a state is
   * truncated to nothing on resume), and copies whose state was not written for `maxAgeMs`
   * unless the state names a published copy. Returns how many were removed.
   */
  async removeStale(now: Date, maxAgeMs: number): Promise<number> {
    let removed = 0;
    const copies = await this.copies();
    const withState = new Set(copies.map((c) => c.stagedPath));
    for (const c of copies) {
      if (c.state?.published || now.getTime() - c.mtimeMs <= maxAgeMs) continue;
      await this.remove(c, `not resumed for ${Math.round(maxAgeMs / 86_400_000)} days`);
      removed++;
    }
    const names = await fsp.readdir(this.stagingDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(PART_SUFFIX))) {
      const stagedPath = path.join(this.stagingDir, name);
      if (withState.has(stagedPath)) continue;
      await fsp.rm(stagedPath, { force: true });
      this.logger.info({ stagedPath }, 'staged part without a resume state removed');
      removed++;
    }
    return removed;
  }

  private async read(statePath: string): Promise<ResumeState | null> {
    try {
      return await readResumeState(statePath);
    } catch (err) {
      this.logger.warn({ statePath, err: (err as Error).message }, 'resume state unreadable');
      return null;
    }
  }
}
