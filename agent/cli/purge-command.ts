import type { PurgeRow } from '../ledger/purge-queries.ts';
import { PurgeService } from '../lifecycle/purge-service.ts';
import { expiredClips } from '../lifecycle/retention-review.ts';
import { formatBytes } from '../reports/byte-format.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { cliLifecycle, required } from './lifecycle-cli.ts';
import { formatTable, shortTime } from './table.ts';

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

type Row = Record<string, string | number | boolean | null>;

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
      const [clipId] = rest;
      if (!clipId) throw new UsageError('name the clip');
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
          retentionEnd: c.retention.end?.toISOString() ?? null,
          size: c.size,
        }));
      if (action === 'request') {
        if (rest.length === 0) throw new UsageError("name the clips (see 'dockctl purge candidates')");
        const id = await purges.request({
          clipIds: rest,
          by: required(v, 'by', 'who confirms'),
          reason: required(v, 'reason', 'why'),
        });
        return [purgeRow(lc.purge(id) as PurgeRow)];
      }
      const [purgeId] = rest;
      if (action === 'approve' || action === 'undo') {
        if (!purgeId) throw new UsageError("name the purge (see 'dockctl purge list')");
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
      throw new UsageError(`unknown action '${action}'`);
    } finally {
      await life.close();
    }
  },
  table: (data) => {
    const rows = data as Row[];
    if (rows.length === 0) return 'nothing to list\n';
    const headers = Object.keys(rows[0] as Row);
    return formatTable(
      headers,
      rows.map((r) =>
        headers.map((h) =>
          h === 'size' || h === 'bytes' ? formatBytes(Number(r[h])) : (r[h] as string | number | null),
        ),
      ),
    );
  },
});

function purgeRow(p: PurgeRow): Row {
  return {
    purge: p.id,
    status: p.status,
    clips: p.clipIds.length,
    bytes: p.bytes,
    requested: `${shortTime(p.requestedAt)} by ${p.requestedBy}`,
    approval: p.needsApproval ? (p.approvedBy ?? 'waiting for a supervisor') : 'not needed',
    graceUntil: shortTime(p.graceUntil),
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
    if (!caseNo) throw new UsageError('name the case number');
    const by = required(v, 'by', 'who');
    if (action === 'close')
      ledger.lifecycle.closeCase({ caseNo, closedBy: by, note: (v.reason as string | undefined) ?? null });
    else if (action === 'reopen')
      ledger.lifecycle.reopenCase({ caseNo, reopenedBy: by, reason: required(v, 'reason', 'why') });
    else throw new UsageError('say close or reopen');
    return { case: caseNo, state: action === 'close' ? 'closed' : 'open' };
  },
  table: (data) =>
    `case ${(data as { case: string; state: string }).case} is ${(data as { state: string }).state}\n`,
});
