import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.ts';
import { mkdirDurable, writeFileDurable } from '../fs/durable-write.ts';
import { ForwarderStateError } from './errors.ts';

/** A record the target refused, skipped with an alert and kept in the outbox. */
export interface ParkedRecord {
  readonly seq: number;
  readonly recordId: string;
  readonly reason: string;
  readonly at: string;
}

/** The last failure, for the page and `dockctl forward status`. Never holds personal data. */
export interface LastError {
  readonly at: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The forwarder's acknowledged state, `<stateDir>/forwarder/state.json`, written through the
 * durable-write helper after every acknowledgement. It lives outside the ledger on purpose: when
 * the ledger is restored or replaced, this file no longer matches it, and that is how the
 * forwarder notices (agent/forwarder/README.md).
 */
export interface ForwardState {
  readonly v: 1;
  readonly dock: string;
  readonly epoch: string;
  /** Identity of the target the cursor refers to. */
  readonly target: string;
  /** Where the target is (no credentials), for status readers. */
  readonly targetDescription: string;
  /** Every outbox record up to this seq is acknowledged (or parked). */
  readonly ackedSeq: number;
  /** The record id at `ackedSeq`, to recognise a ledger that went back in time. */
  readonly ackedRecordId: string | null;
  readonly parked: readonly ParkedRecord[];
  readonly personalFields: 'sent' | 'withheld';
  readonly lastSuccessAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastError: LastError | null;
  /** Failed attempts since the last success (0: the target works). */
  readonly failures: number;
  readonly nextAttemptAt: string | null;
  /**
   * The last outbox id of the batch being sent, written before the send: after a crash between
   * the target's write and this file's update, the same range is sent again (same object key,
   * the same bytes), never a longer one that would store its records a second time.
   */
  readonly inFlightSeq?: number | null;
}

/** The state file of a state folder. */
export function forwardStateFile(stateDir: string): string {
  return path.join(stateDir, 'forwarder', 'state.json');
}

function isState(doc: unknown): doc is ForwardState {
  const d = doc as Partial<ForwardState> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    d.v === 1 &&
    typeof d.dock === 'string' &&
    typeof d.epoch === 'string' &&
    typeof d.target === 'string' &&
    Number.isSafeInteger(d.ackedSeq) &&
    (d.ackedSeq as number) >= 0 &&
    (d.ackedRecordId === null || typeof d.ackedRecordId === 'string') &&
    Array.isArray(d.parked)
  );
}

/** Read the state file: the state, 'missing', or 'unreadable' (corrupt or not ours). */
export async function readForwardState(file: string): Promise<ForwardState | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const doc = JSON.parse(text) as unknown;
    return isState(doc) ? doc : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Write the state file durably (temp file, fsync, rename, fsync the folder). */
export async function writeForwardState(file: string, state: ForwardState): Promise<void> {
  try {
    await mkdirDurable(path.dirname(file));
    await writeFileDurable(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o640 });
  } catch (err) {
    throw new ForwarderStateError(file, err);
  }
}
