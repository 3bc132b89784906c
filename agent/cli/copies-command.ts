import { type DomainKey, isDomainKey } from '../i18n/domain.ts';
import { storeWords } from '../i18n/store-words.ts';
import type { ProbeRow } from '../ledger/lifecycle-queries.ts';
import { backlogView, type ClipLifecycleView, clipLifecycle } from '../lifecycle/clip-lifecycle.ts';
import { parseOffsiteConfig } from '../offsite/offsite-config.ts';
import type { LockMode } from '../offsite/offsite-store.ts';
import { formatBytes } from '../reports/byte-format.ts';
import type { Namer } from '../web/things-named.ts';
import { cliNamer } from './cli-names.ts';
import type { CliView } from './cli-view.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { cliLifecycle, required } from './lifecycle-cli.ts';
import { handle, resolveHandle } from './short-ids.ts';
import { formatFields } from './table.ts';

const USAGE = `usage: dockctl copies [--state DIR] [--config FILE] [--json]     the off-site store, its WORM probe and the backlog
       dockctl copies CLIP_ID                 the clip's class, retention end, holds and copies
       dockctl copies requeue CLIP_ID --by USER --reason TEXT   copy again after a failed verification
       dockctl copies probe                   run the WORM probe of the store now
${LEDGER_OPTIONS_USAGE}`;

function duration(seconds: number | null, view: CliView): string {
  if (seconds === null) return view.t('cli.life.etaUnknown');
  if (seconds < 3600) return view.t('cli.life.minutes', { n: Math.ceil(seconds / 60) });
  return seconds < 172_800
    ? view.t('cli.life.hours', { n: Math.round(seconds / 3600) })
    : view.t('cli.life.days', { n: Math.round(seconds / 86_400) });
}

function lockText(o: ClipLifecycleView['offsite'][number], view: CliView): string {
  if (o.lockKept === null) return view.t('cli.life.none');
  if (!o.lockKept) return view.t('cli.life.lockNotKept');
  const until = view.t('cli.life.lockUntil', { at: view.time(o.retainUntil) ?? '-' });
  return `${until}${o.legalHold ? view.t('cli.life.legalHold') : ''}`;
}

function clipText(c: ClipLifecycleView, view: CliView, names: Namer): string {
  const r = c.retention;
  const t = view.t;
  const line = (k: DomainKey, v: string) => `${t(k)}: ${v}`;
  const lines = [
    line('cli.life.clip', names.clipById(c.clipId)),
    line('cli.col.handle', handle(c.clipId)),
    line(
      'cli.life.class',
      `${t(`class.${r.retentionClass}`)}, ${r.end ? t('cli.life.keptUntil', { at: view.time(r.end) ?? '' }) : t('cli.life.keptWhileOpen')}`,
    ),
    line(
      'cli.life.holds',
      c.holds.length === 0
        ? t('cli.life.none')
        : c.holds.map((h) => `${t(`ground.${h.ground}`)} ${h.caseNo}`).join(t('list.separator')),
    ),
    line('cli.life.vault', t(`local.${c.local}`)),
    ...c.offsite.map((o) =>
      t('cli.life.offsiteCopy', {
        store: storeWords(view.lang, o.store),
        result: t(`copy.${o.lastResult}`),
        purpose: isDomainKey(`purpose.${o.lastPurpose}`)
          ? t(`purpose.${o.lastPurpose}` as DomainKey)
          : o.lastPurpose,
        at: view.time(o.lastCheckedAt) ?? '-',
        lock: lockText(o, view),
      }),
    ),
  ];
  if (c.offsite.length === 0) lines.push(t('cli.life.noCopy'));
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
        if (!second) throw new UsageError({ key: 'cli.usage.nameClip' });
        const clipId = resolveHandle(ledger, 'clips', second);
        const view = clipLifecycle(life.deps, clipId);
        if (!view) throw new UsageError({ key: 'cli.usage.noClip', params: { clip: second } });
        ledger.lifecycle.requeueCopy({
          sha256: view.sha256,
          store: store.description,
          by: required(v, 'by', 'who decides'),
          reason: required(v, 'reason', 'why'),
        });
        return { kind: 'clip', view: clipLifecycle(life.deps, clipId) };
      }
      // A failed probe is recorded in the ledger (outcome 'failed', with why) and shown below.
      if (first === 'probe') await life.copier.probe().catch(() => undefined);
      if (first && first !== 'probe') {
        const view = clipLifecycle(life.deps, resolveHandle(ledger, 'clips', first));
        if (!view) throw new UsageError({ key: 'cli.usage.noClipSee', params: { clip: first } });
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
  table: (data, view, ledger) => {
    const d = data as { kind: string; view?: ClipLifecycleView } & Record<string, unknown>;
    if (d.kind === 'clip' && d.view) return clipText(d.view, view, cliNamer(ledger, view));
    const t = view.t;
    const b = d.backlog as ReturnType<typeof backlogView>;
    const probe = d.probe as { outcome: ProbeRow['outcome']; at: Date; summary: string } | null;
    const wormText = probe
      ? t('cli.life.wormAt', { outcome: t(`worm.${probe.outcome}`), at: view.time(new Date(probe.at)) ?? '' })
      : t('cli.life.notProbed');
    const backlog = b
      ? t('cli.life.backlogText', {
          clips: b.clips,
          bytes: formatBytes(b.bytes),
          oldest: view.time(b.oldestWaitingSince) ?? '-',
          eta: duration(b.etaSeconds, view),
        })
      : '-';
    return `${formatFields([
      [
        t('cli.life.store'),
        `${storeWords(view.lang, String(d.store))}${d.offsite ? '' : t('cli.life.notOffsite')}`,
      ],
      [t('cli.life.lock'), d.objectLock ? t(`lock.mode.${d.objectLock as LockMode}`) : t('cli.life.none')],
      [t('cli.life.worm'), wormText],
      [t('cli.life.backlog'), backlog],
    ])}\n`;
  },
});
