import type { DomainKey } from '../i18n/domain.ts';
import type { PurgeRow } from '../ledger/purge-queries.ts';
import { PurgeService } from '../lifecycle/purge-service.ts';
import type { RetentionClass } from '../lifecycle/retention-policy.ts';
import { expiredClips } from '../lifecycle/retention-review.ts';
import { formatBytes } from '../reports/byte-format.ts';
import type { Namer } from '../web/things-named.ts';
import { cliNamer } from './cli-names.ts';
import type { CliView } from './cli-view.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { cliLifecycle, required } from './lifecycle-cli.ts';
import { handle, resolveHandle } from './short-ids.ts';
import { formatTable } from './table.ts';

const USAGE = `usage: dockctl purge [list] [--state DIR] [--config FILE] [--json]
       dockctl purge candidates                  clips past their retention end, not held (R3)
       dockctl purge request CLIP... --by MANAGER --reason TEXT
       dockctl purge approve PURGE_ID --by SUPERVISOR   (evidence-class footage)
       dockctl purge undo PURGE_ID --by USER --reason TEXT
       dockctl purge settle                      move and delete files as the ledger says now
       dockctl purge no-value CLIP --by MANAGER  mark a clip as of no value (--undo to take it back)

  Nothing is purged automatically. A confirmed purge waits in the recoverable area for
  retention.purgeGraceDays (undo), then is deleted locally and off-site; a hold blocks it.
${LEDGER_OPTIONS_USAGE}`;

type Row = Record<string, string | number | boolean | Date | null>;

/** `dockctl purge`: R3 purges, from the candidate list to deletion. */
export const purgeCommand: CliCommand = ledgerCliCommand({
  name: 'purge',
  summary: 'list expired clips, confirm, approve or undo purges (R3)',
  usage: USAGE,
  options: {
    by: { type: 'string' },
    reason: { type: 'string' },
    undo: { type: 'boolean' },
  },
  async query(ledger, v, [action = 'list', ...rest], config) {
    const lc = ledger.lifecycle;
    if (action === 'list') return lc.purges().map(purgeRow);
    if (action === 'no-value') {
      const [typed] = rest;
      if (!typed) throw new UsageError({ key: 'cli.usage.nameClip' });
      const clipId = resolveHandle(ledger, 'clips', typed);
      lc.markNoValue({ clipId, noValue: v.undo !== true, by: required(v, 'by', 'who marks it') });
      return [{ clip: clipId, noValue: v.undo !== true }];
    }
    const life = await cliLifecycle(ledger, config);
    try {
      const purges = new PurgeService(life.deps);
      if (action === 'candidates')
        return expiredClips(life.deps).map((c) => ({
          clip: c.clipId,
          class: c.retention.retentionClass,
          retentionEnd: c.retention.end,
          size: c.size,
          handle: c.clipId,
        }));
      if (action === 'request') {
        if (rest.length === 0) throw new UsageError({ key: 'cli.usage.nameClips' });
        const id = await purges.request({
          clipIds: rest.map((c) => resolveHandle(ledger, 'clips', c)),
          by: required(v, 'by', 'who confirms'),
          reason: required(v, 'reason', 'why'),
        });
        return [purgeRow(lc.purge(id) as PurgeRow)];
      }
      if (action === 'approve' || action === 'undo') {
        if (!rest[0]) throw new UsageError({ key: 'cli.usage.namePurge' });
        const purgeId = resolveHandle(ledger, 'purges', rest[0]);
        if (action === 'approve') await purges.approve({ purgeId, by: required(v, 'by', 'who approves') });
        else
          await purges.undo({
            purgeId,
            by: required(v, 'by', 'who undoes it'),
            reason: required(v, 'reason', 'why'),
          });
        return [purgeRow(lc.purge(purgeId) as PurgeRow)];
      }
      if (action === 'settle') {
        await purges.settle();
        return lc.purges().map(purgeRow);
      }
      throw new UsageError({ key: 'cli.usage.unknownAction', params: { action } });
    } finally {
      await life.close();
    }
  },
  table: (data, view, ledger) => {
    const rows = data as Row[];
    if (rows.length === 0) return `${view.t('cli.life.nothing')}\n`;
    // The readable columns first; the handle a person types back (purge approve …) last.
    const keys = Object.keys(rows[0] as Row)
      .filter((k) => k in COLUMNS)
      .sort((a, b) => Number(isHandle(a)) - Number(isHandle(b)));
    const names = cliNamer(ledger, view);
    return formatTable(
      keys.map((k) => view.t(COLUMNS[k] as DomainKey)),
      rows.map((r) => keys.map((k) => cellText(k, r, view, names))),
    );
  },
});

/** The column headings of the rows this command prints (other fields stay in --json only). */
const COLUMNS: Readonly<Record<string, DomainKey>> = {
  purge: 'cli.col.handle',
  handle: 'cli.col.handle',
  clip: 'cli.col.clip',
  status: 'cli.col.purgeStatus',
  class: 'cli.col.class',
  retentionEnd: 'cli.col.retentionEnd',
  clips: 'cli.col.clips',
  size: 'cli.col.size',
  bytes: 'cli.col.size',
  requestedAt: 'cli.col.requested',
  needsApproval: 'cli.col.approval',
  graceUntil: 'cli.col.graceUntil',
  reason: 'cli.col.reason',
  noValue: 'cli.col.noValue',
};

/** A column of ids a person types back, shown as its short handle after the readable columns. */
function isHandle(key: string): boolean {
  return key === 'purge' || key === 'handle';
}

function cellText(key: string, r: Row, view: CliView, names: Namer): string | number | null {
  const v = r[key];
  const t = view.t;
  switch (key) {
    case 'size':
    case 'bytes':
      return formatBytes(Number(v));
    case 'status':
      return t(`purge.${v as PurgeRow['status']}`);
    case 'class':
      return t(`class.${v as RetentionClass}`);
    case 'retentionEnd':
    case 'graceUntil':
      return view.time(v === null ? null : new Date(v as string | Date));
    case 'purge':
    case 'handle':
      return handle(String(v));
    case 'clip':
      return names.clipById(String(v));
    case 'requestedAt':
      return t('cli.life.byAt', {
        by: names.account(String(r.requestedBy)),
        at: view.time(new Date(v as string | Date)) ?? '',
      });
    case 'needsApproval':
      return v
        ? r.approvedBy
          ? names.account(String(r.approvedBy))
          : t('cli.life.waitingSupervisor')
        : t('cli.life.notNeeded');
    case 'noValue':
      return t(v ? 'cli.yes' : 'cli.no');
    default:
      return v as string | number | null;
  }
}

function purgeRow(p: PurgeRow): Row {
  return {
    purge: p.id,
    status: p.status,
    clips: p.clipIds.length,
    bytes: p.bytes,
    requestedAt: p.requestedAt,
    requestedBy: p.requestedBy,
    needsApproval: p.needsApproval,
    approvedBy: p.approvedBy,
    graceUntil: p.graceUntil,
    reason: p.reason,
  };
}

/** `dockctl case`: close or reopen a case; evidence is kept until the case is closed plus the case-file period. */
export const caseCommand: CliCommand = ledgerCliCommand({
  name: 'case',
  summary: 'close or reopen a case (R3: evidence is kept as long as the case file)',
  usage:
    'usage: dockctl case close CASE_NO --by USER [--reason NOTE] [--state DIR] [--json]\n       dockctl case reopen CASE_NO --by USER --reason TEXT\n',
  options: { by: { type: 'string' }, reason: { type: 'string' } },
  query: (ledger, v, [action, caseNo]) => {
    if (!caseNo) throw new UsageError({ key: 'cli.usage.nameCase' });
    const by = required(v, 'by', 'who');
    if (action === 'close')
      ledger.lifecycle.closeCase({ caseNo, closedBy: by, note: (v.reason as string | undefined) ?? null });
    else if (action === 'reopen')
      ledger.lifecycle.reopenCase({ caseNo, reopenedBy: by, reason: required(v, 'reason', 'why') });
    else throw new UsageError({ key: 'cli.usage.closeOrReopen' });
    return { case: caseNo, state: action === 'close' ? 'closed' : 'open' };
  },
  table: (data, view) => {
    const d = data as { case: string; state: string };
    return `${view.t(d.state === 'closed' ? 'cli.life.caseClosed' : 'cli.life.caseOpen', { caseNo: d.case })}\n`;
  },
});
