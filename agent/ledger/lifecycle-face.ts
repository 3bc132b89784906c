import { recordClipCheck } from './access-writes.ts';
import { type AnyAlertInput, openAlert, resolveAlert } from './alert-writes.ts';
import * as ev from './eviction-writes.ts';
import * as hw from './hold-writes.ts';
import * as q from './lifecycle-queries.ts';
import * as w from './lifecycle-writes.ts';
import * as pq from './purge-queries.ts';
import * as pw from './purge-writes.ts';
import { findOpenAlert } from './record-lookups.ts';
import * as rq from './retention-queries.ts';
import * as rw from './retention-writes.ts';
import type { WriteContext } from './write-context.ts';

/**
 * The footage lifecycle's face of the ledger (issue 15): off-site copies and WORM probes, the
 * facts retention depends on, R4 holds, purges and evictions. Writes run in their own
 * transaction; reads see committed state.
 */
export function lifecycleFace(ctx: WriteContext, tx: <T>(fn: () => T) => T) {
  const db = ctx.db;
  return {
    recordCopy: (v: w.CopyVerifiedInput) => tx(() => w.recordCopyVerified(ctx, v)),
    requeueCopy: (input: { sha256: string; store: string; by: string; reason: string }) =>
      tx(() => w.requeueCopy(ctx, input)),
    recordProbe: (p: w.ProbeInput) => tx(() => w.recordProbe(ctx, p)),
    openAlert: (input: AnyAlertInput) => tx(() => openAlert(ctx, input)),
    /** Resolve the open alert of `kind` about `subject`, if any (the condition cleared). */
    clearAlert: (kind: string, subject: string, note: string) =>
      tx(() => {
        const open = findOpenAlert(db, kind, subject);
        if (open) resolveAlert(ctx, open.id, { resolvedBy: 'dockd', note });
      }),
    /** Record a re-hash of a vault file by the scrub (a `clip.checked` event). */
    recordLocalCheck: (clipId: string, result: 'ok' | 'mismatch' | 'missing') =>
      tx(() => recordClipCheck(ctx, clipId, result, 'scrub')),
    copyCandidates: (store: string, limit: number, skip: readonly string[]) =>
      q.copyCandidates(db, store, limit, skip),
    copyBacklog: (store: string) => q.copyBacklog(db, store),
    bytesCopiedSince: (store: string, since: Date) => q.bytesCopiedSince(db, store, since),
    copiesOf: (sha256: string) => q.copiesOf(db, sha256),
    clipIdsOf: (sha256: string) => q.clipIdsOf(db, sha256),
    latestProbe: (store: string) => q.latestProbe(db, store),
    retentionRows: (clipIds: readonly string[]) => rq.retentionRows(db, clipIds),
    purgeCandidates: (recordedBefore: Date, limit: number) => rq.purgeCandidates(db, recordedBefore, limit),
    closeCase: (input: { caseNo: string; closedBy: string; note?: string | null }) =>
      tx(() => rw.closeCase(ctx, input)),
    reopenCase: (input: { caseNo: string; reopenedBy: string; reason: string }) =>
      tx(() => rw.reopenCase(ctx, input)),
    markNoValue: (input: { clipId: string; noValue: boolean; by: string }) =>
      tx(() => rw.markNoValue(ctx, input)),
    placeHold: (input: hw.HoldInput) => tx(() => hw.placeHold(ctx, input)),
    liftHold: (input: { holdId: string; liftedBy: string; reason: string }) =>
      tx(() => hw.liftHold(ctx, input)),
    holds: (activeOnly = true) => rq.holds(db, activeOnly),
    holdsOfClip: (clipId: string) => rq.holdsOfClip(db, clipId),
    heldClips: (limit = 100_000) => rq.heldClips(db, limit),
    labelFacts: (sha256: string) => rq.labelFacts(db, sha256),
    lockSyncRows: (store: string) => rq.lockSyncRows(db, store),
    requestPurge: (input: pw.PurgeRequestInput) => tx(() => pw.requestPurge(ctx, input)),
    approvePurge: (input: { purgeId: string; approvedBy: string }) => tx(() => pw.approvePurge(ctx, input)),
    stagePurge: (input: { purgeId: string; graceDays: number }) => tx(() => pw.stagePurge(ctx, input)),
    undoPurge: (input: { purgeId: string; undoneBy: string; reason: string }) =>
      tx(() => pw.undoPurge(ctx, input)),
    recordPurgeDeletion: (input: Parameters<typeof pw.recordPurgeDeletion>[1]) =>
      tx(() => pw.recordPurgeDeletion(ctx, input)),
    completePurge: (purgeId: string) => tx(() => pw.completePurge(ctx, purgeId)),
    heldAmong: (clipIds: readonly string[]) => pw.heldAmong(db, clipIds),
    purges: (limit?: number) => pq.purges(db, limit),
    purge: (id: string) => pq.purge(db, id),
    openPurges: () => pq.openPurges(db),
    fileStates: () => pq.fileStates(db),
    fileState: (sha256: string) => pq.fileState(db, sha256),
    recordEviction: (input: { sha256: string; freePercent: number }) =>
      tx(() => ev.recordEviction(ctx, input)),
    recordRestore: (input: { sha256: string; store: string; versionId: string | null }) =>
      tx(() => ev.recordRestore(ctx, input)),
    evictionCandidates: (limit: number) => pq.evictionCandidates(db, limit),
    isEvicted: (sha256: string) => pq.isEvicted(db, sha256),
    localScrubCandidates: (heldCheckedBefore: Date, sample: number) =>
      pq.localScrubCandidates(db, heldCheckedBefore, sample),
    offsiteScrubCandidates: (store: string, heldCheckedBefore: Date, sample: number) =>
      pq.offsiteScrubCandidates(db, store, heldCheckedBefore, sample),
    bytesSealedSince: (since: Date) => pq.bytesSealedSince(db, since),
    fileCount: () => pq.fileCount(db),
  };
}

/** The lifecycle face (Ledger.lifecycle). */
export type LifecycleFace = ReturnType<typeof lifecycleFace>;
