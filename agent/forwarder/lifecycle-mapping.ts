import type { LifecycleBody } from '../ledger/lifecycle-outbox.ts';
import type { OutboxRow } from '../ledger/outbox.ts';
import { RECORD_FORMAT_VERSION, type RecordBase } from './records.ts';

type Payload = LifecycleBody extends infer B
  ? B extends unknown
    ? Omit<B, 'dockId' | 'seq'>
    : never
  : never;

/** A lifecycle change for the central store (schemas/lifecycle-record.schema.json). */
export type LifecycleRecordOut = RecordBase & { readonly type: 'lifecycle' } & Payload;

/**
 * The record of a lifecycle outbox row: labels and their changes, holds, retention classes and
 * off-site copies (issue 15). The party's name and a hold's case name are personal data (R11):
 * null, with `redacted: true`, for a target that is not encrypted and authenticated.
 */
export function lifecycleRecord(
  row: OutboxRow<'lifecycle'>,
  dock: string,
  send: boolean,
): LifecycleRecordOut {
  const { dockId: _dock, seq: _seq, ...body } = row.body;
  const personal: Record<string, null> = {};
  if (!send && 'partyName' in body) personal.partyName = null;
  if (!send && 'caseName' in body) personal.caseName = null;
  return {
    ...body,
    ...personal,
    v: RECORD_FORMAT_VERSION,
    id: row.recordId,
    dock,
    seq: row.id,
    eventSeq: row.eventSeq ?? 0,
    redacted: !send,
    type: 'lifecycle',
  } as LifecycleRecordOut;
}
