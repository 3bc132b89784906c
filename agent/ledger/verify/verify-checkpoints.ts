import {
  type Checkpoint,
  type CheckpointRow,
  checkpointFromRow,
  checkpointSignatureValid,
} from '../checkpoint.ts';
import type { TrustAnchor } from './verify-anchor.ts';
import { short } from './verify-chain.ts';
import type { FindingCollector, FindingKind } from './verify-report.ts';

/** Where the checkpoint came from: the ledger's own table, or a file (--against). */
type Origin = 'stored' | 'against';

const KINDS: Record<Origin, { key: FindingKind; sig: FindingKind; beyond: FindingKind; head: FindingKind }> =
  {
    stored: {
      key: 'checkpoint-key',
      sig: 'checkpoint-signature',
      beyond: 'checkpoint-beyond-head',
      head: 'checkpoint-head',
    },
    against: {
      key: 'against-key',
      sig: 'against-signature',
      beyond: 'against-truncated',
      head: 'against-diverged',
    },
  };

/** What a checkpoint is compared with: the chain as the chain pass saw it. */
export interface ChainFacts {
  readonly lastSeq: number;
  readonly hashes: ReadonlyMap<number, string>;
}

/**
 * Check one checkpoint: signed by this dock's key, the signature valid, and the chain holding
 * exactly that head at that sequence number. Returns true when all of that holds.
 */
export function checkCheckpoint(
  cp: Checkpoint,
  origin: Origin,
  anchor: TrustAnchor,
  chain: ChainFacts,
  findings: FindingCollector,
): boolean {
  const kinds = KINDS[origin];
  const label =
    origin === 'stored' ? `checkpoint ${cp.seq}` : `the checkpoint from elsewhere (sequence ${cp.seq})`;
  let ok = true;
  if (anchor.keyId && cp.key !== anchor.keyId) {
    findings.add(
      cp.seq,
      kinds.key,
      `${label} is signed by key ${short(cp.key)}, not by this dock's key ${short(anchor.keyId)}: forged or foreign`,
    );
    ok = false;
  } else if (!anchor.publicKey || !checkpointSignatureValid(cp, anchor.publicKey)) {
    findings.add(
      cp.seq,
      kinds.sig,
      `${label} has a signature that does not verify with this dock's key: forged or altered`,
    );
    ok = false;
  }
  const local = chain.hashes.get(cp.seq);
  if (cp.seq > chain.lastSeq) {
    findings.add(
      cp.seq,
      kinds.beyond,
      `${label} covers events up to ${cp.seq} but the ledger ends at ${chain.lastSeq}: events ${chain.lastSeq + 1} to ${cp.seq} were deleted`,
    );
    ok = false;
  } else if (local === undefined) {
    findings.add(cp.seq, kinds.head, `${label} covers event ${cp.seq}, which is missing from the ledger`);
    ok = false;
  } else if (local !== cp.head) {
    findings.add(
      cp.seq,
      kinds.head,
      `${label} records head ${short(cp.head)} but event ${cp.seq} has hash ${short(local)}: history up to ${cp.seq} was rewritten`,
    );
    ok = false;
  }
  return ok;
}

/** Check every stored checkpoint. */
export function checkStoredCheckpoints(
  rows: readonly CheckpointRow[],
  anchor: TrustAnchor,
  chain: ChainFacts,
  findings: FindingCollector,
): void {
  for (const row of rows)
    checkCheckpoint(checkpointFromRow(row, anchor.dockId ?? ''), 'stored', anchor, chain, findings);
}
