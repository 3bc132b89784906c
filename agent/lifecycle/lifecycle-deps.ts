import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RetentionSection } from '../config/dock-config.ts';
import type { LifecycleFace } from '../ledger/lifecycle-face.ts';
import { vaultPathFor } from '../ledger/vault-path.ts';
import type { OffsiteStore } from '../offsite/offsite-store.ts';
import type { RetentionPolicy } from './retention-policy.ts';

/** Free and total bytes of the file system holding a folder. */
export type DiskSpace = (dir: string) => Promise<{ freeBytes: number; totalBytes: number }>;

/** What the lifecycle's jobs share. Everything that varies is injected. */
export interface LifecycleDeps {
  readonly ledger: LifecycleFace;
  /** The off-site store, or null when none is configured. */
  readonly store: OffsiteStore | null;
  readonly vaultDir: string;
  /** Partial fetches from the store (on the vault's file system: publishing is a link). */
  readonly stagingDir: string;
  readonly policy: RetentionPolicy;
  readonly settings: Pick<RetentionSection, 'purgeGraceDays' | 'evictBelowPercent' | 'scrubDailyFraction'>;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly diskSpace?: DiskSpace;
}

/** statfs of the folder: what an unprivileged process may still write. */
export const statfsSpace: DiskSpace = async (dir) => {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

/** The vault file of a digest. */
export function vaultFile(deps: Pick<LifecycleDeps, 'vaultDir'>, sha256: string): string {
  return vaultPathFor(deps.vaultDir, sha256);
}

/** Where a purged file waits out its grace period: `<vaultDir>/.recoverable/<purge id>/<digest>`. */
export function recoverableFile(
  deps: Pick<LifecycleDeps, 'vaultDir'>,
  purgeId: string,
  sha256: string,
): string {
  if (!/^[A-Za-z0-9-]+$/.test(purgeId))
    throw new Error(`the purge id ${purgeId} is not one the ledger makes`);
  return path.join(deps.vaultDir, RECOVERABLE_DIR, purgeId, sha256);
}

/** The recoverable area's folder name inside the vault (ignored by the vault's layout checks). */
export const RECOVERABLE_DIR = '.recoverable';
