import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.ts';
import { writeFileDurable } from '../fs/durable-write.ts';
import type { OutboxRecord } from '../ledger/outbox.ts';
import type { ParkedRecord } from './forward-state.ts';

/**
 * `dockctl forward requeue` asks the forwarder (running or at its next start) to send parked
 * records again, through a durable request file beside its state file: the forwarder owns its
 * state, so the command never edits it under a running dockd.
 */
export function requeueFile(stateDir: string): string {
  return path.join(stateDir, 'forwarder', 'requeue.json');
}

/** The outbox seqs waiting to be sent again (none when there is no request). */
export async function requeueRequested(stateDir: string): Promise<number[]> {
  try {
    const doc = JSON.parse(await fsp.readFile(requeueFile(stateDir), 'utf8')) as { seqs?: unknown };
    return Array.isArray(doc.seqs) ? doc.seqs.filter((s): s is number => Number.isSafeInteger(s)) : [];
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || err instanceof SyntaxError) return [];
    throw err;
  }
}

/** Ask for `seqs` to be sent again (added to a request not yet taken up). */
export async function requestRequeue(stateDir: string, seqs: readonly number[]): Promise<number[]> {
  const all = [...new Set([...(await requeueRequested(stateDir)), ...seqs])].sort((a, b) => a - b);
  await fsp.mkdir(path.dirname(requeueFile(stateDir)), { recursive: true, mode: 0o750 });
  await writeFileDurable(requeueFile(stateDir), JSON.stringify({ seqs: all }));
  return all;
}

/** What resending needs of the forwarder. */
export interface ResendDeps {
  readonly stateDir: string;
  readonly parked: () => readonly ParkedRecord[];
  readonly recordAt: (seq: number) => OutboxRecord | null;
  /** Send one record alone: true when the target acknowledged it, false when it refused it again. */
  readonly sendAlone: (row: OutboxRecord) => Promise<boolean>;
  readonly unpark: (seqs: readonly number[]) => Promise<void>;
}

/**
 * Send the requested parked records again, one by one. Acknowledged ones leave the parked list;
 * refused ones stay parked. A failure to reach the target throws, leaving the request for the
 * next attempt. Returns how many were delivered.
 */
export async function resendRequeued(deps: ResendDeps): Promise<number> {
  const requested = await requeueRequested(deps.stateDir);
  if (requested.length === 0) return 0;
  const parked = new Set(deps.parked().map((p) => p.seq));
  const delivered: number[] = [];
  for (const seq of requested) {
    const row = parked.has(seq) ? deps.recordAt(seq) : null;
    if (row && (await deps.sendAlone(row))) delivered.push(seq);
  }
  await deps.unpark(delivered);
  await fsp.rm(requeueFile(deps.stateDir), { force: true });
  return delivered.length;
}
