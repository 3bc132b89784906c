import { HOLD_GROUNDS } from '../ledger/hold-writes.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { HoldGround } from '../ledger/lifecycle-events.ts';
import type { HoldRow } from '../ledger/retention-queries.ts';
import type { Namer } from '../web/things-named.ts';
import { cliNamer } from './cli-names.ts';
import type { CliView } from './cli-view.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { required, timeOption } from './lifecycle-cli.ts';
import { handle, resolveHandle } from './short-ids.ts';
import { formatTable } from './table.ts';

const USAGE = `usage: dockctl holds [list] [--all] [--state DIR] [--json]
       dockctl holds place (--clip ID | --session ID | --recorder SERIAL --from DATE --to DATE)
                          --ground dispute|obstruction|incident|major --case-name NAME --case-no NO --by USER
       dockctl holds lift HOLD_ID --by SUPERVISOR --reason TEXT

  R4 holds: footage kept in two verified copies and never purged while held. Grounds: dispute (the
  party disputes, may complain or petition), obstruction (officers obstructed, insulted, assaulted),
  incident (a mass or sudden incident), major (another major or sensitive matter). A manager or
  supervisor places a hold; only a supervisor lifts it, with a reason.
${LEDGER_OPTIONS_USAGE}`;

function scopeOf(ledger: Ledger, v: Record<string, unknown>) {
  const given = ['clip', 'session', 'recorder'].filter((k) => v[k] !== undefined);
  if (given.length !== 1) throw new UsageError({ key: 'cli.usage.holdTarget' });
  if (v.recorder !== undefined)
    return {
      scope: 'recorder' as const,
      serial: String(v.recorder),
      from: timeOption(v, 'from'),
      to: timeOption(v, 'to'),
    };
  if (v.session !== undefined)
    return { scope: 'session' as const, sessionId: resolveHandle(ledger, 'sessions', String(v.session)) };
  return { scope: 'clip' as const, clipId: resolveHandle(ledger, 'clips', String(v.clip)) };
}

/** What a hold covers, in words: a clip or a docking by recorder, officer and time, never by id. */
function what(h: HoldRow, view: CliView, ledger: Ledger, names: Namer): string {
  if (h.scope === 'clip') return view.t('cli.life.holdClip', { clip: names.clipById(h.clipId ?? '') });
  if (h.scope === 'session') {
    const s = ledger.find.session(h.sessionId ?? '');
    const session = s
      ? [s.serial, names.officer(s.officerNo), view.time(s.startedAt)].filter(Boolean).join(' · ')
      : handle(h.sessionId ?? '');
    return view.t('cli.life.holdSession', { session });
  }
  return view.t('cli.life.holdRecorder', {
    serial: h.serial ?? '',
    from: view.time(h.from) ?? '-',
    to: view.time(h.to) ?? '-',
  });
}

/** `dockctl holds`: list, place and lift R4 holds. */
export const holdsCommand: CliCommand = ledgerCliCommand({
  name: 'holds',
  summary: 'list, place or lift R4 holds (kept in two verified copies, never purged while held)',
  usage: USAGE,
  options: {
    all: { type: 'boolean' },
    clip: { type: 'string' },
    session: { type: 'string' },
    recorder: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    ground: { type: 'string' },
    'case-name': { type: 'string' },
    'case-no': { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string' },
  },
  query: (ledger, v, [action = 'list', typedHold]) => {
    const lc = ledger.lifecycle;
    if (action === 'place') {
      const ground = required(v, 'ground', 'the R4 ground') as HoldGround;
      if (!HOLD_GROUNDS.includes(ground))
        throw new UsageError({
          key: 'cli.usage.oneOf',
          params: { name: '--ground', allowed: HOLD_GROUNDS.join(', ') },
        });
      const id = lc.placeHold({
        ...scopeOf(ledger, v),
        ground,
        caseName: required(v, 'case-name', 'the case name'),
        caseNo: required(v, 'case-no', 'the case number'),
        placedBy: required(v, 'by', 'who places it'),
      });
      return lc.holds(false).filter((h) => h.id === id);
    }
    if (action === 'lift') {
      if (!typedHold) throw new UsageError({ key: 'cli.usage.nameHold' });
      const holdId = resolveHandle(ledger, 'holds', typedHold);
      lc.liftHold({
        holdId,
        liftedBy: required(v, 'by', 'who lifts it'),
        reason: required(v, 'reason', 'why'),
      });
      return lc.holds(false).filter((h) => h.id === holdId);
    }
    if (action !== 'list') throw new UsageError({ key: 'cli.usage.unknownAction', params: { action } });
    return lc.holds(v.all !== true);
  },
  table: (data, view, ledger) => {
    const holds = data as HoldRow[];
    const t = view.t;
    if (holds.length === 0) return `${t('cli.life.noHolds')}\n`;
    const names = cliNamer(ledger, view);
    return formatTable(
      (['covers', 'ground', 'caseNo', 'placed', 'by', 'lifted', 'handle'] as const).map((c) =>
        t(`cli.col.${c}`),
      ),
      holds.map((h) => [
        what(h, view, ledger, names),
        t(`ground.${h.ground}`),
        h.caseNo,
        view.time(h.placedAt),
        names.account(h.placedBy),
        h.liftedAt
          ? t('cli.life.byAt', { by: names.account(h.liftedBy ?? ''), at: view.time(h.liftedAt) ?? '' })
          : null,
        handle(h.id),
      ]),
    );
  },
});
