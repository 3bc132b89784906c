import type { Logger } from 'pino';
import type { FootageEntry } from '../../drivers/contract/ports.ts';
import type { IngestResult } from '../ingest/ingester.ts';
import type { PublishedCopy, ResumeState } from '../ingest/resume-state.ts';
import type { StagedCopy, StagingArea } from '../ingest/staging-area.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import { ClipSealer, type SealerContext } from './clip-sealer.ts';
import type { DockRules } from './dock-rules.ts';
import type { MediaProbe } from './media-probe.ts';
import { clipRecordingTimes } from './recording-times.ts';

/** A recorder file as its resume key names it. */
type KeyedFile = Pick<FootageEntry, 'relPath' | 'size' | 'mtimeMs'>;

/** The resume key of a recorder file: serial, path, size and mtime (earlier builds' parts resume). */
export function resumeKeyOf(serial: string, file: KeyedFile): string {
  return `${serial}:${file.relPath}:${file.size}:${file.mtimeMs}`;
}

/** The recorder path in a resume key of this serial; null when the key is another recorder's. */
export function relPathOfKey(serial: string, key: string): string | null {
  if (!key.startsWith(`${serial}:`)) return null;
  const m = /^(.+):\d+:\d+(?:\.\d+)?$/.exec(key.slice(serial.length + 1));
  return m?.[1] ?? null;
}

/** Collaborators of the leftovers' settlement. */
export interface StagedLeftoversDeps {
  readonly ledger: DockLedger;
  readonly rules: DockRules;
  readonly probe: MediaProbe;
  readonly logger: Logger;
  readonly staging: StagingArea;
  /** Does the vault hold the sealed file of this digest and size? */
  readonly vaultHolds: (sha256: string, size: number) => Promise<boolean>;
  /** The vault file of a digest (VaultLayout.sealedPath). */
  readonly sealedPath: (sha256: string) => string;
}

/**
 * What a crash or a changed recorder file leaves in the staging area for one recorder, settled
 * when it docks. At the start of a docking, a copy published before a crash cut off its seal is
 * sealed from its resume state (what it was copied from, its digest and size), so no vault file
 * stays without a seal. After a docking that ran to its end (complete or partial), the partial
 * copies of files the recorder no longer lists under the same size and time are removed: no later
 * dock can resume them.
 */
export class StagedLeftovers {
  private readonly sealer: ClipSealer;

  constructor(private readonly deps: StagedLeftoversDeps) {
    this.sealer = new ClipSealer(deps);
  }

  /** Seal this recorder's copies published before a crash; returns how many were sealed. */
  async sealPublished(ctx: SealerContext): Promise<number> {
    let sealed = 0;
    for (const copy of await this.deps.staging.copies()) {
      const published = copy.state?.published;
      const relPath = copy.state ? relPathOfKey(ctx.serial, copy.state.resumeKey) : null;
      if (!copy.state || !published || relPath === null) continue;
      if (await this.sealOne(ctx, copy, { ...copy.state, published }, relPath)) sealed++;
    }
    return sealed;
  }

  /**
   * After a docking that ran to its end: remove this recorder's partial copies whose key no listed file has
   * (the file changed or is gone). Returns how many were removed.
   */
  async removeStale(serial: string, listed: readonly KeyedFile[]): Promise<number> {
    const keys = new Set(listed.map((f) => resumeKeyOf(serial, f)));
    let removed = 0;
    for (const copy of await this.deps.staging.copies()) {
      const key = copy.state?.resumeKey;
      if (!key || copy.state?.published || keys.has(key) || relPathOfKey(serial, key) === null) continue;
      await this.deps.staging.remove(copy, 'its recorder file changed or is gone');
      removed++;
    }
    return removed;
  }

  private async sealOne(
    ctx: SealerContext,
    copy: StagedCopy,
    state: ResumeState & { published: PublishedCopy },
    relPath: string,
  ): Promise<boolean> {
    const { ledger, staging, logger } = this.deps;
    const { published } = state;
    if (ledger.findClip(ledger.clipIdFor(ctx.serial, relPath, published.sha256))) {
      await staging.remove(copy, 'its seal is recorded');
      return false;
    }
    if (!(await this.deps.vaultHolds(published.sha256, published.size))) {
      // Never published (a power cut took the link): the bytes are still on the recorder.
      await staging.remove(copy, 'its published copy is not in the vault');
      return false;
    }
    const vaultPath = this.deps.sealedPath(published.sha256);
    const file = { relPath, size: state.sourceSize, mtimeMs: state.sourceMtimeMs };
    const times = await clipRecordingTimes(this.deps, vaultPath, file, ctx.serial);
    this.sealer.seal(ctx, file, times, resultOf(state, vaultPath));
    logger.warn(
      { serial: ctx.serial, relPath, sha256: published.sha256 },
      'a copy published before a restart sealed from its resume state',
    );
    await staging.remove(copy, 'sealed from its resume state');
    return true;
  }
}

/** The ingest result a published copy's state stands for. */
function resultOf(state: ResumeState & { published: PublishedCopy }, vaultPath: string): IngestResult {
  const p = state.published;
  return {
    sourcePath: state.sourcePath,
    sha256: p.sha256,
    size: p.size,
    vaultPath,
    duplicate: false,
    verifiedBy: p.verifiedBy,
    prefixDigests: state.prefixDigests,
    resumedFrom: p.resumedFrom,
    sealedAt: new Date(p.sealedAt),
    headSha256: p.headSha256,
    sourceSize: state.sourceSize,
    sourceMtimeMs: state.sourceMtimeMs,
    sourceChanged: p.sourceChanged,
  };
}
