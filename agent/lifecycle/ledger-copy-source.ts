import path from 'node:path';
import type { LifecycleFace } from '../ledger/lifecycle-face.ts';
import type { CopyLedger, PendingCopy } from '../offsite/copy-ledger.ts';
import { lockUntil, type RetentionPolicy, retentionOf } from './retention-policy.ts';

/** What the copier's ledger adapter needs. */
export interface CopySourceDeps {
  readonly lifecycle: LifecycleFace;
  readonly vaultDir: string;
  readonly policy: RetentionPolicy;
  readonly now: () => Date;
}

/**
 * The copier's view of the ledger: pending files with the lock each should carry (the latest
 * retention end of the clips holding that content), and where verifications are recorded.
 */
export function ledgerCopySource(deps: CopySourceDeps): CopyLedger {
  const { lifecycle } = deps;
  const retainUntil = (clipIds: readonly string[]): Date => {
    const now = deps.now();
    let until: Date | null = null;
    for (const row of lifecycle.retentionRows(clipIds)) {
      const r = retentionOf(
        {
          recordedAt: row.recordedAt,
          caseNo: row.caseNo,
          caseClosedAt: null,
          lastExportAt: row.lastExportAt,
          noValue: false,
        },
        deps.policy,
      );
      const end = lockUntil(r, deps.policy, now);
      if (!until || end.getTime() > until.getTime()) until = end;
    }
    return until ?? now;
  };
  const held = (clipIds: readonly string[]) => lifecycle.heldAmong(clipIds).length > 0;
  return {
    pendingCopies(store, limit, skip): PendingCopy[] {
      return lifecycle.copyCandidates(store, limit, skip).map((c) => ({
        sha256: c.sha256,
        size: c.size,
        file: path.join(deps.vaultDir, ...c.vaultRel.split('/')),
        retainUntil: retainUntil(c.clipIds),
        legalHold: held(c.clipIds),
        sealedAt: c.sealedAt,
        clipIds: c.clipIds,
      }));
    },
    recordCopy: (v) => lifecycle.recordCopy(v),
    recordProbe: (p) =>
      lifecycle.recordProbe({
        store: p.store,
        at: p.at,
        outcome: p.outcome,
        summary: p.summary,
        checks: p.checks,
      }),
    copyBacklog: (store) => lifecycle.copyBacklog(store),
    openAlert: (input) => lifecycle.openAlert(input),
  };
}
