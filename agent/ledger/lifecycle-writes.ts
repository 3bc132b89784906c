import { LedgerInputError, LedgerStateError } from './errors.ts';
import {
  optionalText,
  optionalTime,
  requireInt,
  requireOneOf,
  requireText,
  requireTime,
} from './input-checks.ts';
import type { LifecycleEventData } from './lifecycle-events.ts';
import { queueCopy } from './lifecycle-outbox.ts';
import { copyRowId } from './lifecycle-projection.ts';
import { cachedStatement } from './statement-cache.ts';
import { isSha256Hex } from './vault-path.ts';
import type { WriteContext } from './write-context.ts';

/** A read-back of one off-site copy, as the copier reports it. */
export interface CopyVerifiedInput {
  readonly sha256: string;
  readonly size: number;
  readonly store: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly purpose: 'copy' | 'scrub' | 'fetch';
  readonly result: 'ok' | 'mismatch' | 'missing';
  readonly actualSha256: string | null;
  readonly method: 'read-back-sha256';
  readonly verifiedAt: Date;
  readonly retainUntil: Date | null;
  readonly legalHold: boolean;
  readonly lockKept: boolean | null;
}

function sha(field: string, v: unknown): string {
  if (typeof v !== 'string' || !isSha256Hex(v))
    throw new LedgerInputError(`${field} must be 64 lowercase hex digits`);
  return v;
}

/** Record a verification of an off-site copy (copy.verified). The file must be sealed here. */
export function recordCopyVerified(ctx: WriteContext, v: CopyVerifiedInput): void {
  const digest = sha('sha256', v.sha256);
  if (!cachedStatement(ctx.db, 'SELECT 1 FROM clips WHERE sha256 = ? LIMIT 1').get(digest))
    throw new LedgerStateError(`the file ${digest} is not sealed in the ledger`);
  const data: LifecycleEventData['copy.verified'] = {
    sha256: digest,
    size: requireInt('size', v.size, 0),
    store: requireText('store', v.store),
    key: requireText('key', v.key),
    versionId: optionalText('versionId', v.versionId),
    purpose: requireOneOf('purpose', v.purpose, ['copy', 'scrub', 'fetch'] as const),
    result: requireOneOf('result', v.result, ['ok', 'mismatch', 'missing'] as const),
    actualSha256: v.actualSha256 === null ? null : sha('actualSha256', v.actualSha256),
    method: requireOneOf('method', v.method, ['read-back-sha256'] as const),
    verifiedAt: requireTime('verifiedAt', v.verifiedAt),
    retainUntil: optionalTime('retainUntil', v.retainUntil),
    legalHold: v.legalHold === true,
    lockKept: v.lockKept === null ? null : v.lockKept === true,
  };
  const ev = ctx.events.append('copy.verified', data, ctx.now());
  const { size: _size, method: _method, actualSha256: _actual, ...copy } = data;
  queueCopy(ctx, { ...copy, change: 'copied', at: data.verifiedAt }, ev.seq);
}

/** A person's decision to copy a file again (after a mismatch): copy.requeued. */
export function requeueCopy(
  ctx: WriteContext,
  input: { sha256: string; store: string; by: string; reason: string },
): void {
  const digest = sha('sha256', input.sha256);
  const row = cachedStatement(ctx.db, 'SELECT last_result FROM offsite_copies WHERE id = ?').get(
    copyRowId(input.store, digest),
  ) as { last_result: string } | undefined;
  if (!row) throw new LedgerStateError(`the file ${digest} has no copy record on ${input.store} to re-queue`);
  if (row.last_result === 'ok')
    throw new LedgerStateError(
      `the copy of ${digest} on ${input.store} verified: there is nothing to re-queue`,
    );
  ctx.events.append(
    'copy.requeued',
    {
      sha256: digest,
      store: requireText('store', input.store),
      by: requireText('by', input.by),
      reason: requireText('reason', input.reason?.trim()),
    },
    ctx.now(),
  );
}

/** A WORM probe's result, as the copier reports it. */
export interface ProbeInput {
  readonly store: string;
  readonly at: Date;
  readonly outcome: 'worm' | 'not-worm' | 'unsupported' | 'failed';
  readonly summary: string;
  readonly checks: readonly { name: string; ok: boolean; detail: string | null }[];
}

/** Record a WORM probe (offsite.probed). */
export function recordProbe(ctx: WriteContext, p: ProbeInput): void {
  ctx.events.append(
    'offsite.probed',
    {
      store: requireText('store', p.store),
      outcome: requireOneOf('outcome', p.outcome, ['worm', 'not-worm', 'unsupported', 'failed'] as const),
      summary: requireText('summary', p.summary),
      checks: p.checks.map((c) => ({
        name: requireText('check name', c.name),
        ok: c.ok === true,
        detail: optionalText('check detail', c.detail),
      })),
      probedAt: requireTime('at', p.at),
    },
    ctx.now(),
  );
}
