import { backlogView, type ClipLifecycleView, clipLifecycle } from '../lifecycle/clip-lifecycle.ts';
import { parseOffsiteConfig } from '../offsite/offsite-config.ts';
import { formatBytes } from '../reports/byte-format.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { cliLifecycle, required } from './lifecycle-cli.ts';
import { shortTime } from './table.ts';

const USAGE = `usage: dockctl copies [--state DIR] [--config FILE] [--json]     the off-site store, its WORM probe and the backlog
       dockctl copies CLIP_ID                 the clip's class, retention end, holds and copies
       dockctl copies requeue CLIP_ID --by USER --reason TEXT   copy again after a failed verification
       dockctl copies probe                   run the WORM probe of the store now
${LEDGER_OPTIONS_USAGE}`;

function duration(seconds: number | null): string {
  if (seconds === null) return 'unknown (nothing copied in the last day)';
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return seconds < 172_800 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds / 86_400)} days`;
}

function clipText(c: ClipLifecycleView): string {
  const r = c.retention;
  const lines = [
    `clip ${c.clipId} (sha256 ${c.sha256.slice(0, 16)}…)`,
    `class ${r.retentionClass}, kept ${r.end ? `until ${r.end.toISOString()}` : 'while its case is open'}`,
    `holds ${c.holds.length === 0 ? 'none' : c.holds.map((h) => `${h.ground} ${h.caseNo}`).join('; ')}`,
    `vault copy: ${c.local}`,
    ...c.offsite.map(
      (o) =>
        `off-site ${o.store}: ${o.lastResult} (${o.lastPurpose}) last verified ${shortTime(o.lastCheckedAt)}, lock ${o.lockKept === null ? 'none' : o.lockKept ? `kept until ${o.retainUntil?.toISOString() ?? '-'}${o.legalHold ? ', legal hold' : ''}` : 'NOT kept'}`,
    ),
  ];
  if (c.offsite.length === 0) lines.push('off-site: no copy yet');
  return `${lines.join('\n')}\n`;
}

/** `dockctl copies`: the off-site copies (R2, R4): backlog, WORM probe, one clip's copies. */
export const copiesCommand: CliCommand = ledgerCliCommand({
  name: 'copies',
  summary: 'off-site copies: backlog (clips, bytes, oldest waiting, ETA), WORM probe, a clip’s copies',
  usage: USAGE,
  options: { by: { type: 'string' }, reason: { type: 'string' } },
  async query(ledger, v, [first, second], config) {
    const life = await cliLifecycle(ledger, config);
    try {
      const store = life.store;
      if (first === 'requeue') {
        if (!second) throw new UsageError('name the clip');
        const view = clipLifecycle(life.deps, second);
        if (!view) throw new UsageError(`no clip ${second} is sealed here`);
        ledger.lifecycle.requeueCopy({
          sha256: view.sha256,
          store: store.description,
          by: required(v, 'by', 'who decides'),
          reason: required(v, 'reason', 'why'),
        });
        return { kind: 'clip', view: clipLifecycle(life.deps, second) };
      }
      // A failed probe is recorded in the ledger (outcome 'failed', with why) and shown below.
      if (first === 'probe') await life.copier.probe().catch(() => undefined);
      if (first && first !== 'probe') {
        const view = clipLifecycle(life.deps, first);
        if (!view) throw new UsageError(`no clip ${first} is sealed here; see 'dockctl clips'`);
        return { kind: 'clip', view };
      }
      const offsite = parseOffsiteConfig(life.config.offsite);
      return {
        kind: 'store',
        store: store.description,
        offsite: store.offsite,
        objectLock: store.lockMode,
        probe: ledger.lifecycle.latestProbe(store.description),
        backlog: backlogView(life.deps, offsite.bytesPerSecond),
      };
    } finally {
      await life.close();
    }
  },
  table: (data) => {
    const d = data as { kind: string; view?: ClipLifecycleView } & Record<string, unknown>;
    if (d.kind === 'clip' && d.view) return clipText(d.view);
    const b = d.backlog as ReturnType<typeof backlogView>;
    const probe = d.probe as { outcome: string; at: Date; summary: string } | null;
    return [
      `store     ${String(d.store)}${d.offsite ? '' : '  (a folder on this machine: NOT off-site, R2)'}`,
      `lock      ${d.objectLock ?? 'none'}`,
      `WORM      ${probe ? `${probe.outcome} at ${shortTime(new Date(probe.at))}: ${probe.summary}` : 'not probed yet'}`,
      `backlog   ${b ? `${b.clips} clips, ${formatBytes(b.bytes)}, oldest waiting since ${shortTime(b.oldestWaitingSince)}, ETA ${duration(b.etaSeconds)}` : '-'}`,
      '',
    ].join('\n');
  },
});
