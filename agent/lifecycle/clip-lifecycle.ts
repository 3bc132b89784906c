import type { CopyRecordRow } from '../ledger/lifecycle-queries.ts';
import type { HoldRow } from '../ledger/retention-queries.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import type { Retention } from './retention-policy.ts';
import { retentionOfClips } from './retention-review.ts';

/** The off-site backlog: what waits, since when, and when it is likely done. */
export interface BacklogView {
  readonly store: string;
  readonly offsite: boolean;
  readonly clips: number;
  readonly bytes: number;
  readonly oldestWaitingSince: Date | null;
  /** Seconds to copy it at the cap, or at the rate of the last day's copies; null when unknown. */
  readonly etaSeconds: number | null;
}

/** The backlog of the configured store; `bytesPerSecond` is the cap or a measured rate (0: unknown). */
export function backlogView(deps: LifecycleDeps, bytesPerSecond: number): BacklogView | null {
  const store = deps.store;
  if (!store) return null;
  const b = deps.ledger.copyBacklog(store.description);
  const day =
    deps.ledger.bytesCopiedSince(store.description, new Date(deps.now().getTime() - 86_400_000)) / 86_400;
  const rate = bytesPerSecond > 0 ? bytesPerSecond : day;
  return {
    store: store.description,
    offsite: store.offsite,
    clips: b.clips,
    bytes: b.bytes,
    oldestWaitingSince: b.oldestSealedAt,
    etaSeconds: b.bytes === 0 ? 0 : rate > 0 ? Math.ceil(b.bytes / rate) : null,
  };
}

/** Everything the page and dockctl show about one clip's lifecycle (R2, R3, R4). */
export interface ClipLifecycleView {
  readonly clipId: string;
  readonly sha256: string;
  readonly retention: Retention;
  readonly holds: HoldRow[];
  /** The vault's copy: present, evicted (fetched back when needed), or purged. */
  readonly local: 'present' | 'evicted' | 'recoverable' | 'purged';
  readonly offsite: CopyRecordRow[];
}

/** One clip's class, retention end, holds and copies; null when it is not sealed here. */
export function clipLifecycle(deps: LifecycleDeps, clipId: string): ClipLifecycleView | null {
  const [row] = deps.ledger.retentionRows([clipId]);
  const retention = retentionOfClips(deps, [clipId]).get(clipId);
  if (!row || !retention) return null;
  const state = deps.ledger.fileState(row.sha256);
  return {
    clipId,
    sha256: row.sha256,
    retention,
    holds: deps.ledger.holdsOfClip(clipId),
    local: state ?? 'present',
    offsite: deps.ledger.copiesOf(row.sha256),
  };
}
