import { LedgerStateError } from './errors.ts';
import { requireInt, requireText } from './input-checks.ts';
import { EVICTED, HELD, IN_PURGE } from './lifecycle-sql.ts';
import { cachedStatement } from './statement-cache.ts';
import { isSha256Hex } from './vault-path.ts';
import type { WriteContext } from './write-context.ts';

function digest(sha256: string): string {
  if (!isSha256Hex(sha256)) throw new LedgerStateError(`'${sha256}' is not a SHA-256 digest`);
  return sha256;
}

/**
 * Record that a file's local copy is evicted for space. Refused unless every clip holding it is
 * routine (no case number, never exported), none is held or in a purge, and a verified off-site
 * copy exists: nothing with a single verified copy is ever evicted.
 */
export function recordEviction(ctx: WriteContext, input: { sha256: string; freePercent: number }): void {
  const sha256 = digest(input.sha256);
  const row = cachedStatement(
    ctx.db,
    `SELECT count(*) AS clips,
       sum(${HELD}) AS held, sum(${IN_PURGE}) AS purging, max(${EVICTED}) AS evicted,
       sum(EXISTS (SELECT 1 FROM clip_labels l WHERE l.clip_id = c.id AND l.case_no IS NOT NULL)) AS evidence,
       sum(EXISTS (SELECT 1 FROM exports x, json_each(x.clip_ids) j WHERE j.value = c.id)) AS exported,
       (SELECT count(*) FROM offsite_copies o WHERE o.sha256 = @sha256 AND o.last_result = 'ok') AS copies
     FROM clips c WHERE c.sha256 = @sha256`,
  ).get({ sha256 }) as Record<string, number | null>;
  const why =
    row.clips === 0
      ? 'it is not sealed here'
      : row.copies === 0
        ? 'it has no verified off-site copy'
        : row.held
          ? 'it is on hold'
          : row.purging
            ? 'it is in a purge'
            : row.evicted
              ? 'it is already evicted'
              : row.evidence || row.exported
                ? 'it is not routine footage'
                : null;
  if (why) throw new LedgerStateError(`the file ${sha256} cannot be evicted: ${why}`);
  const at = ctx.now();
  ctx.events.append(
    'file.evicted',
    {
      sha256,
      freePercent: requireInt('freePercent', Math.floor(input.freePercent), 0, 100),
      evictedAt: at.toISOString(),
    },
    at,
  );
}

/** Record that an evicted file was fetched back from `store` and hashed to its seal. */
export function recordRestore(
  ctx: WriteContext,
  input: { sha256: string; store: string; versionId: string | null },
): void {
  const sha256 = digest(input.sha256);
  const evicted = cachedStatement(
    ctx.db,
    'SELECT 1 FROM evictions WHERE sha256 = ? AND restored_at IS NULL',
  ).get(sha256);
  if (!evicted) throw new LedgerStateError(`the file ${sha256} is not evicted`);
  const at = ctx.now();
  ctx.events.append(
    'file.restored',
    {
      sha256,
      store: requireText('store', input.store),
      versionId: input.versionId,
      restoredAt: at.toISOString(),
    },
    at,
  );
}
