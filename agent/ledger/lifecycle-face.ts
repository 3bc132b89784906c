import { type AnyAlertInput, openAlert } from './alert-writes.ts';
import * as q from './lifecycle-queries.ts';
import * as w from './lifecycle-writes.ts';
import type { WriteContext } from './write-context.ts';

/**
 * The footage lifecycle's face of the ledger (issue 15): off-site copies, WORM probes and the
 * facts retention depends on. Writes run in their own transaction; reads see committed state.
 */
export function lifecycleFace(ctx: WriteContext, tx: <T>(fn: () => T) => T) {
  return {
    recordCopy: (v: w.CopyVerifiedInput) => tx(() => w.recordCopyVerified(ctx, v)),
    requeueCopy: (input: { sha256: string; store: string; by: string; reason: string }) =>
      tx(() => w.requeueCopy(ctx, input)),
    recordProbe: (p: w.ProbeInput) => tx(() => w.recordProbe(ctx, p)),
    openAlert: (input: AnyAlertInput) => tx(() => openAlert(ctx, input)),
    copyCandidates: (store: string, limit: number, skip: readonly string[]) =>
      q.copyCandidates(ctx.db, store, limit, skip),
    copyBacklog: (store: string) => q.copyBacklog(ctx.db, store),
    copiesOf: (sha256: string) => q.copiesOf(ctx.db, sha256),
    latestProbe: (store: string) => q.latestProbe(ctx.db, store),
    retentionRows: (clipIds: readonly string[]) => q.retentionRows(ctx.db, clipIds),
  };
}

/** The lifecycle face (Ledger.lifecycle). */
export type LifecycleFace = ReturnType<typeof lifecycleFace>;
