/**
 * The footage lifecycle's events (issue 15): verified off-site copies and WORM probes. Part of
 * the ledger's vocabulary (event-types.ts extends it); the JSON Schema twin is in
 * schemas/ledger-event.schema.json.
 */

/** What reading a copy back showed. */
export type CopyResult = 'ok' | 'mismatch' | 'missing';

/** Why a copy was read back. */
export type CopyPurposeName = 'copy' | 'scrub' | 'fetch';

/** A WORM probe's verdict. */
export type ProbeOutcomeName = 'worm' | 'not-worm' | 'unsupported' | 'failed';

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
}

/** The lifecycle's event types, in the order they were added. */
export const LIFECYCLE_EVENT_TYPES: readonly (keyof LifecycleEventData)[] = [
  'copy.verified',
  'copy.requeued',
  'offsite.probed',
];
