import { forwardStateFile, type ParkedRecord, readForwardState } from '../forwarder/forward-state.ts';
import { requestRequeue } from '../forwarder/parked-requeue.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { outboxIdOf, outboxRecordAt } from '../ledger/outbox.ts';
import type { DockPaths } from '../paths.ts';
import { UsageError } from './cli-options.ts';
import type { CliView } from './cli-view.ts';
import { type CliIo, ExitCode } from './command.ts';
import { formatTable } from './table.ts';

/** A parked record as `dockctl forward parked` lists it. */
export interface ParkedView extends ParkedRecord {
  /** The outbox record's kind, or null when it was pruned. */
  readonly kind: string | null;
}

async function parkedOf(paths: DockPaths): Promise<ParkedView[]> {
  const stored = await readForwardState(forwardStateFile(paths.stateDir));
  const parked = typeof stored === 'object' ? stored.parked : [];
  const db = openLedgerDatabase(ledgerFile(paths), { readonly: true });
  try {
    return parked.map((p) => ({ ...p, kind: outboxRecordAt(db, p.seq)?.kind ?? null }));
  } finally {
    db.close();
  }
}

/** `dockctl forward parked`: the records the central store refused and the forwarder set aside. */
export async function listParked(paths: DockPaths, io: CliIo, json: boolean, view: CliView): Promise<number> {
  const parked = await parkedOf(paths);
  if (json) io.stdout.write(`${JSON.stringify(parked, null, 2)}\n`);
  else if (parked.length === 0) io.stdout.write(`${view.t('cli.fwd.noParked')}\n`);
  else
    io.stdout.write(
      `${formatTable(
        (['seq', 'record', 'recordKind', 'parkedAt', 'reason'] as const).map((c) => view.t(`cli.col.${c}`)),
        parked.map((p) => [p.seq, p.recordId, p.kind, view.time(new Date(p.at)), p.reason]),
      )}${view.zoneNote}`,
    );
  return parked.length > 0 ? ExitCode.findings : ExitCode.ok;
}

/**
 * `dockctl forward requeue SEQ|RECORD_ID… | --all`: ask the forwarder to send parked records
 * again (dockd takes the request up at its next cycle, or at its next start).
 */
export async function requeueParked(
  paths: DockPaths,
  io: CliIo,
  targets: readonly string[],
  all: boolean,
  view: CliView,
): Promise<number> {
  const parked = await parkedOf(paths);
  if (!all && targets.length === 0) throw new UsageError({ key: 'cli.usage.nameParked' });
  const db = openLedgerDatabase(ledgerFile(paths), { readonly: true });
  let seqs: number[];
  try {
    seqs = all
      ? parked.map((p) => p.seq)
      : targets.map((t) => {
          const seq = /^\d+$/.test(t) ? Number(t) : outboxIdOf(db, t);
          if (seq === null || !parked.some((p) => p.seq === seq))
            throw new UsageError({ key: 'cli.usage.notParked', params: { record: t } });
          return seq;
        });
  } finally {
    db.close();
  }
  const waiting = await requestRequeue(paths.stateDir, seqs);
  io.stdout.write(`${view.t('cli.fwd.requeued', { n: seqs.length, waiting: waiting.length })}\n`);
  return ExitCode.ok;
}
