/**
 * The footage lifecycle's events (issue 15): verified off-site copies, WORM probes, retention
 * (closed cases, no-value marks), R4 holds, purges and evictions. Part of
 * the ledger's vocabulary (event-types.ts extends it); the JSON Schema twin is in
 * schemas/ledger-event.schema.json.
 */

/** What reading a copy back showed. */
export type CopyResult = 'ok' | 'mismatch' | 'missing';

/** Why a copy was read back. */
export type CopyPurposeName = 'copy' | 'scrub' | 'fetch';

/** A WORM probe's verdict. */
export type ProbeOutcomeName = 'worm' | 'not-worm' | 'unsupported' | 'failed';

/** R4 grounds for a hold: a dispute (complaint, petition), obstruction or assault of officers, a mass or sudden incident, another major or sensitive matter. */
export type HoldGround = 'dispute' | 'obstruction' | 'incident' | 'major';

/** What a hold covers. */
export type HoldScope = 'clip' | 'session' | 'recorder';

/** Where a purged file was deleted, and what happened. */
export type PurgeDeletionResult = 'deleted' | 'refused' | 'absent';

/** Data of the lifecycle's event types. */
export interface LifecycleEventData {
  'copy.verified': {
    sha256: string;
    size: number;
    store: string;
    key: string;
    versionId: string | null;
    purpose: CopyPurposeName;
    result: CopyResult;
    actualSha256: string | null;
    method: 'read-back-sha256';
    verifiedAt: string;
    retainUntil: string | null;
    legalHold: boolean;
    lockKept: boolean | null;
  };
  'copy.requeued': { sha256: string; store: string; by: string; reason: string };
  'offsite.probed': {
    store: string;
    outcome: ProbeOutcomeName;
    summary: string;
    checks: { name: string; ok: boolean; detail: string | null }[];
    probedAt: string;
  };
  'case.closed': { caseNo: string; closedAt: string; closedBy: string; note: string | null };
  'case.reopened': { caseNo: string; reopenedBy: string; reason: string };
  'clip.valued': { clipId: string; noValue: boolean; by: string };
  'hold.placed': {
    holdId: string;
    scope: HoldScope;
    clipId: string | null;
    sessionId: string | null;
    serial: string | null;
    from: string | null;
    to: string | null;
    ground: HoldGround;
    caseName: string;
    caseNo: string;
    placedBy: string;
    placedAt: string;
  };
  'hold.lifted': { holdId: string; liftedBy: string; reason: string; liftedAt: string };
  'purge.requested': {
    purgeId: string;
    clipIds: string[];
    sha256s: string[];
    bytes: number;
    reason: string;
    needsApproval: boolean;
    requestedBy: string;
    requestedAt: string;
  };
  'purge.approved': { purgeId: string; approvedBy: string; approvedAt: string };
  'purge.staged': { purgeId: string; stagedAt: string; graceUntil: string };
  'purge.undone': { purgeId: string; undoneBy: string; reason: string; undoneAt: string };
  'purge.deleted': {
    purgeId: string;
    sha256: string;
    place: string;
    result: PurgeDeletionResult;
    at: string;
  };
  'purge.completed': { purgeId: string; completedAt: string };
  'file.evicted': { sha256: string; freePercent: number; evictedAt: string };
  'file.restored': { sha256: string; store: string; versionId: string | null; restoredAt: string };
}

/** The lifecycle's event types, in the order they were added. */
export const LIFECYCLE_EVENT_TYPES: readonly (keyof LifecycleEventData)[] = [
  'copy.verified',
  'copy.requeued',
  'offsite.probed',
  'case.closed',
  'case.reopened',
  'clip.valued',
  'hold.placed',
  'hold.lifted',
  'purge.requested',
  'purge.approved',
  'purge.staged',
  'purge.undone',
  'purge.deleted',
  'purge.completed',
  'file.evicted',
  'file.restored',
];
