import { createHash } from 'node:crypto';
import { canonicalBytes } from '../ledger/canonical-json.ts';
import type { OutboxRecord } from '../ledger/outbox.ts';
import { batchKey, checkpointKey, dockKey } from './object-keys.ts';
import { mapOutboxRecord } from './record-mapping.ts';
import { recordProblem } from './record-schemas.ts';
import { type BatchEnvelope, type ForwardRecord, RECORD_FORMAT_VERSION } from './records.ts';

/** An object written beside the batches by object-store targets (checkpoints, the dock's identity). */
export interface StandaloneObject {
  readonly key: string;
  readonly body: Buffer;
  readonly sha256: string;
}

/** One batch, ready for any target. The bytes are canonical JSON: a resend is byte-identical. */
export interface OutgoingBatch {
  /** Object key (without the target's prefix). */
  readonly key: string;
  readonly envelope: BatchEnvelope;
  readonly body: Buffer;
  /** SHA-256 of `body`, hex. */
  readonly sha256: string;
  /** The dock identity and the batch's newest checkpoint, as objects of their own. */
  readonly standalone: readonly StandaloneObject[];
}

/** A row whose record cannot be sent: a local fault, parked with an alert. */
export interface InvalidRow {
  readonly row: OutboxRecord;
  readonly problem: string;
}

/** What `buildBatch` made of the rows: a batch of the leading valid rows, or the invalid first row. */
export type BuiltBatch =
  | { readonly kind: 'batch'; readonly batch: OutgoingBatch; readonly rows: readonly OutboxRecord[] }
  | { readonly kind: 'invalid'; readonly invalid: InvalidRow };

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function standaloneOf(record: ForwardRecord): StandaloneObject | null {
  let key: string;
  let value: unknown;
  if (record.type === 'checkpoint') {
    key = checkpointKey(record.dock, record.checkpoint.seq, record.checkpoint.head);
    value = record.checkpoint;
  } else if (record.type === 'dock') {
    key = dockKey(record.dock);
    value = record;
  } else {
    return null;
  }
  const body = canonicalBytes(value);
  return { key, body, sha256: sha256(body) };
}

/** Map one row and check it against its schema. */
function mapRow(row: OutboxRecord, dockId: string, sendPersonal: boolean): ForwardRecord | InvalidRow {
  try {
    const record = mapOutboxRecord(row, dockId, sendPersonal);
    const problem = recordProblem(record);
    return problem === null ? record : { row, problem };
  } catch (err) {
    return { row, problem: (err as Error).message };
  }
}

/**
 * Map outbox rows (consecutive, oldest first) to one batch for `epoch`. Rows are taken up to the
 * first whose record does not match its schema; when that is the first row, it is returned alone
 * as invalid so the caller can park it.
 */
export function buildBatch(
  rows: readonly OutboxRecord[],
  opts: { readonly dockId: string; readonly epoch: string; readonly sendPersonal: boolean },
): BuiltBatch {
  const records: ForwardRecord[] = [];
  for (const row of rows) {
    const mapped = mapRow(row, opts.dockId, opts.sendPersonal);
    if ('problem' in mapped) {
      if (records.length === 0) return { kind: 'invalid', invalid: mapped };
      break;
    }
    records.push(mapped);
  }
  const taken = rows.slice(0, records.length);
  const first = taken[0] as OutboxRecord;
  const last = taken.at(-1) as OutboxRecord;
  const envelope: BatchEnvelope = {
    v: RECORD_FORMAT_VERSION,
    type: 'batch',
    dock: opts.dockId,
    epoch: opts.epoch,
    firstSeq: first.id,
    lastSeq: last.id,
    count: records.length,
    records,
  };
  const body = canonicalBytes(envelope);
  // Beside the batch: the dock record, and only the newest checkpoint of the batch (the others are
  // in the batch; a standalone object per checkpoint would cost a write each for no reader).
  const dock = records.find((r) => r.type === 'dock');
  const newestCheckpoint = records.findLast((r) => r.type === 'checkpoint');
  const standalone = [dock, newestCheckpoint]
    .map((r) => (r ? standaloneOf(r) : null))
    .filter((o): o is StandaloneObject => o !== null);
  return {
    kind: 'batch',
    rows: taken,
    batch: {
      key: batchKey(opts.dockId, opts.epoch, first.id, last.id),
      envelope,
      body,
      sha256: sha256(body),
      standalone,
    },
  };
}
