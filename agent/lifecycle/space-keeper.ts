import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.ts';
import { fsyncDir } from '../fs/durable-write.ts';
import { LedgerStateError } from '../ledger/errors.ts';
import { type LifecycleDeps, statfsSpace, vaultFile } from './lifecycle-deps.ts';

/** The vault's space and the forecast the page shows. */
export interface SpaceForecast {
  readonly freeBytes: number;
  readonly totalBytes: number;
  readonly freePercent: number;
  /** Bytes sealed per day over the last 30 days. */
  readonly bytesPerDay: number;
  /** At that rate the disk is full in this many days (null: nothing sealed lately). */
  readonly daysToFull: number | null;
}

const DAY = 86_400_000;

/** "At the last 30 days' rate the disk is full in N days." */
export async function spaceForecast(deps: LifecycleDeps): Promise<SpaceForecast> {
  const { freeBytes, totalBytes } = await (deps.diskSpace ?? statfsSpace)(deps.vaultDir);
  const bytesPerDay = deps.ledger.bytesSealedSince(new Date(deps.now().getTime() - 30 * DAY)) / 30;
  return {
    freeBytes,
    totalBytes,
    freePercent: totalBytes > 0 ? (freeBytes * 100) / totalBytes : 0,
    bytesPerDay,
    daysToFull: bytesPerDay > 0 ? Math.floor(freeBytes / bytesPerDay) : null,
  };
}

/**
 * When free space falls below `evictBelowPercent`, evict the local copies of routine clips that
 * are verified off-site and not held, oldest first, until two points above the limit. The ledger
 * refuses any file with a single verified copy. Returns what was evicted.
 */
export async function freeSpace(deps: LifecycleDeps): Promise<{ files: number; bytes: number }> {
  const limit = deps.settings.evictBelowPercent;
  const space = await (deps.diskSpace ?? statfsSpace)(deps.vaultDir);
  const freePercent = space.totalBytes > 0 ? (space.freeBytes * 100) / space.totalBytes : 100;
  if (limit <= 0 || freePercent >= limit) return { files: 0, bytes: 0 };
  const wanted = (space.totalBytes * (limit + 2)) / 100 - space.freeBytes;
  let bytes = 0;
  let files = 0;
  for (const c of deps.ledger.evictionCandidates(1000)) {
    if (bytes >= wanted) break;
    try {
      deps.ledger.recordEviction({ sha256: c.sha256, freePercent });
    } catch (err) {
      if (err instanceof LedgerStateError) continue;
      throw err;
    }
    await unlinkEvicted(vaultFile(deps, c.sha256));
    bytes += c.size;
    files++;
  }
  if (files > 0) {
    deps.logger.warn({ files, bytes, freePercent }, 'local copies evicted for space');
    deps.ledger.openAlert({
      kind: 'clips-evicted',
      severity: 'warning',
      subject: 'vault',
      facts: { clips: files, bytes, freePercent: Math.floor(freePercent), limitPercent: limit },
      detail: `${files} routine clips verified off-site were evicted from the vault for space (free ${Math.floor(freePercent)} %, limit ${limit} %); they are fetched back when viewed`,
    });
  }
  return { files, bytes };
}

/** Remove an evicted file's local copy (already recorded in the ledger). */
export async function unlinkEvicted(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
    await fsyncDir(path.dirname(file));
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}
