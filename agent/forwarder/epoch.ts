import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { OutboxRecord } from '../ledger/outbox.ts';
import type { EpochReason, ForwardEpoch } from '../ledger/outbox-epoch.ts';
import type { ForwardState } from './forward-state.ts';

/** What the epoch logic needs of the ledger. */
export interface EpochLedger {
  readonly dockId: string;
  /** The ledger database file. */
  readonly file: string;
  readonly outbox: {
    epoch(): ForwardEpoch | null;
    beginEpoch(epoch: ForwardEpoch): void;
    at(id: number): OutboxRecord | null;
  };
}

/** The outcome of checking the ledger against the forwarder's state at start. */
export interface EpochDecision {
  readonly epoch: string;
  /** Why: the reason a new epoch began, 'continued', or 'target-changed' (same epoch, cursor reset). */
  readonly reason: EpochReason | 'continued' | 'target-changed';
  /** The state to continue from (cursor, parked records), or null to send everything again. */
  readonly resumeFrom: ForwardState | null;
}

/**
 * Identity of the ledger file: device, inode and birth time. A restored copy put in its place,
 * or a ledger moved to another disk, has another identity (even if an inode number is reused, the
 * birth time differs).
 */
export async function ledgerFileIdentity(file: string): Promise<string> {
  const st = await fsp.stat(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.birthtimeMs}`;
}

function whyNewEpoch(
  ledger: EpochLedger,
  current: ForwardEpoch | null,
  state: ForwardState | 'missing' | 'unreadable',
  identity: string,
): EpochReason | null {
  if (state === 'unreadable') return 'state-unreadable';
  if (state === 'missing') return current === null ? 'first-start' : 'state-missing';
  if (state.dock !== ledger.dockId) return 'other-ledger';
  // The ledger does not know the epoch the forwarder last acknowledged in: an older copy.
  if (current === null || state.epoch !== current.epoch) return 'ledger-rolled-back';
  if (current.fileIdentity !== identity) return 'ledger-file-changed';
  // The record last acknowledged is gone or another one: the ledger went back in time in place.
  if (state.ackedSeq > 0 && ledger.outbox.at(state.ackedSeq)?.recordId !== state.ackedRecordId) {
    return 'ledger-rolled-back';
  }
  return null;
}

/** Begin a new epoch in the ledger and return its id. */
export async function beginNewEpoch(
  ledger: EpochLedger,
  reason: EpochReason,
  now: Date,
  newId: () => string = randomUUID,
): Promise<string> {
  const epoch = newId();
  ledger.outbox.beginEpoch({
    epoch,
    startedAt: now,
    reason,
    fileIdentity: await ledgerFileIdentity(ledger.file),
  });
  return epoch;
}

/**
 * Decide, at start, whether the forwarder continues the ledger's current epoch from its state file
 * or begins a new one (and then sends everything the outbox holds again; the receiver
 * de-duplicates by record id). It continues only when the state file names this dock and the
 * ledger's current epoch, the ledger file is the file that epoch began with, and the record last
 * acknowledged is still the same record at the same place. A changed target keeps the epoch but
 * starts its cursor from the beginning.
 */
export async function resolveEpoch(
  ledger: EpochLedger,
  state: ForwardState | 'missing' | 'unreadable',
  targetIdentity: string,
  now: Date,
  newId: () => string = randomUUID,
): Promise<EpochDecision> {
  const current = ledger.outbox.epoch();
  const reason = whyNewEpoch(ledger, current, state, await ledgerFileIdentity(ledger.file));
  if (reason !== null)
    return { epoch: await beginNewEpoch(ledger, reason, now, newId), reason, resumeFrom: null };
  const known = state as ForwardState;
  if (known.target !== targetIdentity)
    return { epoch: known.epoch, reason: 'target-changed', resumeFrom: null };
  return { epoch: known.epoch, reason: 'continued', resumeFrom: known };
}
