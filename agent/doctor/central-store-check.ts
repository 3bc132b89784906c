import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { forwardStateFile, readForwardState } from '../forwarder/forward-state.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { outboxBacklog } from '../ledger/outbox.ts';
import { localDateTime } from '../time/zoned-time.ts';
import { type DoctorCheck, type DoctorContext, fail, pass, warn } from './doctor-check.ts';
import { modeAllowsWrite } from './storage-checks.ts';

/** What a probe learnt about the central store. */
export interface CentralStoreStatus {
  /** null when it cannot tell (the forwarder never ran, and the target is not a folder). */
  readonly reachable: boolean | null;
  /** One sentence: where the store is and how it last answered. */
  readonly detail: string;
  /** The same from the catalogue, for the report in the reader's language. */
  readonly detailWords?: Said;
  /** Records not yet acknowledged. */
  readonly pending: number;
  /** When the oldest of those was queued. */
  readonly oldestPendingAt: Date | null;
}

/** Asks about the central store; `forwarderStateProbe` by default, replaceable in tests. */
export type CentralStoreProbe = (ctx: DoctorContext) => Promise<CentralStoreStatus>;

function backlogAfter(ctx: DoctorContext, ackedSeq: number): { count: number; oldest: Date | null } {
  const file = ledgerFile(ctx.config.paths);
  if (!existsSync(file)) return { count: 0, oldest: null };
  const db = openLedgerDatabase(file, { readonly: true });
  try {
    const b = outboxBacklog(db, ackedSeq);
    return { count: b.count, oldest: b.oldestCreatedAt };
  } finally {
    db.close();
  }
}

async function folderReachable(dir: string, ctx: DoctorContext): Promise<{ ok: boolean; detail: Said }> {
  const st = await stat(dir).catch(() => null);
  if (st === null) return { ok: true, detail: said('doctor.central.folderNew', { dir }) };
  const account = ctx.host.uid === 0 ? await ctx.host.serviceAccount() : null;
  const ok = st.isDirectory() && (account === null || modeAllowsWrite(st, account));
  return { ok, detail: said(ok ? 'doctor.central.folder' : 'doctor.central.folderClosed', { dir }) };
}

/**
 * The central store as the running forwarder last saw it (its state file: failures since the
 * last success, the last error, the acknowledged position) and the outbox after that position;
 * a file target's folder is also checked directly. Doctor itself sends nothing.
 */
export const forwarderStateProbe: CentralStoreProbe = async (ctx) => {
  const stored = await readForwardState(forwardStateFile(ctx.config.paths.stateDir));
  const state = typeof stored === 'object' ? stored : null;
  const backlog = backlogAfter(ctx, state?.ackedSeq ?? 0);
  const target = ctx.config.forwarder.target;
  const folder =
    target.type === 'file' && typeof target.dir === 'string' ? await folderReachable(target.dir, ctx) : null;
  let reachable: boolean | null = folder?.ok ?? null;
  let where: Said | string = folder?.detail ?? said('doctor.central.target', { type: target.type });
  let note: Said | null = null;
  if (state) {
    where = state.targetDescription;
    if (state.failures > 0) {
      reachable = false;
      note = said(
        'doctor.central.failing',
        { n: state.failures },
        {
          last: state.lastError?.message ?? said('doctor.unknown'),
        },
      );
    } else reachable = folder?.ok ?? true;
  } else if (stored === 'unreadable') note = said('doctor.central.unreadable');
  else if (folder === null) note = said('doctor.central.notRun');
  const detailWords = said(
    note ? 'doctor.central.withNote' : 'doctor.central.where',
    {},
    {
      where,
      note: note ?? '',
    },
  );
  return {
    reachable,
    detail: sayIn('en', detailWords),
    detailWords,
    pending: backlog.count,
    oldestPendingAt: backlog.oldest,
  };
};

const DAY_MS = 24 * 3600 * 1000;

/** A time as the dock's zone reads it, naming the zone: `2026-11-19 20:00 Asia/Shanghai`. */
export function zoned(d: Date, ctx: DoctorContext): string {
  return `${localDateTime(d.getTime(), ctx.config.rules.timezone)} ${ctx.config.rules.timezone}`;
}

/** The central store is reachable, and how much waits to be forwarded (R13: forward promptly). */
export function centralStoreCheck(
  probe: CentralStoreProbe = forwarderStateProbe,
  now = () => new Date(),
): DoctorCheck {
  return {
    name: 'central store',
    async run(ctx) {
      const s = await probe(ctx);
      const backlog = s.oldestPendingAt
        ? said('doctor.central.backlogSince', { n: s.pending, since: zoned(s.oldestPendingAt, ctx) })
        : said('doctor.central.backlog', { n: s.pending });
      const nested = { detail: s.detailWords ?? s.detail, backlog };
      if (s.reachable === false)
        return fail(said('doctor.central.down', {}, nested), said('doctor.central.downFix'));
      const line = said('doctor.central.line', {}, nested);
      if (s.reachable === null) return warn(line, said('doctor.central.unknownFix'));
      if (s.oldestPendingAt && now().getTime() - s.oldestPendingAt.getTime() > DAY_MS)
        return warn(line, said('doctor.central.slowFix'));
      return pass(line);
    },
  };
}
