import type { Database } from 'better-sqlite3';
import {
  CHECKPOINT_FORMAT_VERSION,
  type Checkpoint,
  type CheckpointRow,
  checkpointFromRow,
  signCheckpoint,
} from './checkpoint.ts';
import type { DockKeyPair } from './dock-key.ts';
import type { ChainHead } from './event-chain.ts';
import { addToOutbox } from './outbox.ts';
import { cachedStatement } from './statement-cache.ts';

/** The newest stored checkpoint, or null when there is none. */
export function latestCheckpoint(db: Database, dockId: string): Checkpoint | null {
  const row = cachedStatement(db, 'SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as
    | CheckpointRow
    | undefined;
  return row ? checkpointFromRow(row, dockId) : null;
}

/** Stored checkpoints with a sequence after `afterSeq`, oldest first. */
export function listCheckpoints(db: Database, dockId: string, afterSeq = 0): Checkpoint[] {
  const rows = cachedStatement(db, 'SELECT * FROM checkpoints WHERE seq > ? ORDER BY seq').all(
    afterSeq,
  ) as CheckpointRow[];
  return rows.map((r) => checkpointFromRow(r, dockId));
}

/**
 * Sign the head and store the checkpoint, with its outbox record, in the caller's transaction.
 */
export function writeCheckpoint(
  db: Database,
  dockId: string,
  key: DockKeyPair,
  head: ChainHead,
  at: Date,
): Checkpoint {
  const cp = signCheckpoint(
    {
      v: CHECKPOINT_FORMAT_VERSION,
      dock: dockId,
      seq: head.seq,
      head: head.hash,
      at: at.toISOString(),
      key: key.keyId,
    },
    key.privateKey,
  );
  cachedStatement(db, 'INSERT INTO checkpoints (seq, head, at, key_id, sig) VALUES (?, ?, ?, ?, ?)').run(
    cp.seq,
    cp.head,
    cp.at,
    cp.key,
    cp.sig,
  );
  addToOutbox(db, {
    kind: 'checkpoint',
    // The head is part of the id: after a restore, a different head at the same seq is another
    // record, not a resend, and the central store keeps both as evidence.
    recordId: `checkpoint:${dockId}:${cp.seq}:${cp.head.slice(0, 16)}`,
    eventSeq: cp.seq,
    body: cp,
    createdAt: at,
  });
  return cp;
}
