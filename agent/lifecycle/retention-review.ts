import type { ClipRetentionRow } from '../ledger/retention-queries.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import { monthsAfter, type Retention, retentionOf } from './retention-policy.ts';

/** A clip whose retention has ended, not held, not in a purge: a purge candidate. */
export interface ExpiredClip extends ClipRetentionRow {
  readonly retention: Retention;
}

/** The earliest recording time a clip recorded now could have ended by: nothing newer is looked at. */
function recordedBefore(deps: LifecycleDeps): Date {
  const shortest = Math.min(deps.policy.routineMonths, deps.policy.noValueMonths);
  return monthsAfter(deps.now(), -shortest, deps.policy.timeZone);
}

/** Clips whose retention ended and that are not held or in a purge, oldest first (R3's list). */
export function expiredClips(deps: LifecycleDeps, limit = 10_000): ExpiredClip[] {
  const now = deps.now().getTime();
  const out: ExpiredClip[] = [];
  for (const row of deps.ledger.purgeCandidates(recordedBefore(deps), limit * 4)) {
    const retention = retentionOf(row, deps.policy);
    if (retention.end !== null && retention.end.getTime() <= now) out.push({ ...row, retention });
    if (out.length >= limit) break;
  }
  return out;
}

/** Each clip's class and retention end, for the page and dockctl. */
export function retentionOfClips(deps: LifecycleDeps, clipIds: readonly string[]): Map<string, Retention> {
  return new Map(deps.ledger.retentionRows(clipIds).map((r) => [r.clipId, retentionOf(r, deps.policy)]));
}

/**
 * The daily review: an info alert tells the manager how many clips wait for a decision (nothing
 * is purged automatically); it is resolved when none waits.
 */
export function reviewRetention(deps: LifecycleDeps): ExpiredClip[] {
  const expired = expiredClips(deps);
  if (expired.length === 0) {
    deps.ledger.clearAlert('retention-ended', 'vault', 'no clip waits for a purge decision');
    return expired;
  }
  const bytes = expired.reduce((n, c) => n + c.size, 0);
  deps.ledger.openAlert({
    kind: 'retention-ended',
    severity: 'info',
    subject: 'vault',
    facts: { clips: expired.length, bytes },
    detail: `${expired.length} clips are past their retention end and not held: confirm a purge list or keep them (R3)`,
  });
  return expired;
}
