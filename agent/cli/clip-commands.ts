import type { ClipView } from '../ledger/access-queries.ts';
import { formatBytes } from '../reports/byte-format.ts';
import { fileNameOf } from '../web/things-named.ts';
import { cliNamer } from './cli-names.ts';
import type { CliCommand } from './command.ts';
import { LEDGER_OPTIONS_USAGE, ledgerCliCommand, UsageError } from './ledger-cli-command.ts';
import { handle, resolveHandle } from './short-ids.ts';
import { formatTable } from './table.ts';

/** A date option (YYYY-MM-DD, local midnight) plus `addDays`. */
function dateOption(value: unknown, name: string, addDays: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError({ key: 'cli.usage.date', params: { name } });
  return d;
}

function limitOption(value: unknown): number {
  if (value === undefined) return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError({ key: 'cli.usage.limit' });
  return n;
}

/** The clip as dockctl shows it: no party name (R11), which needs the page and its role. */
function withoutParty(c: ClipView): ClipView {
  return c.labels ? { ...c, labels: { ...c.labels, party: c.labels.party === null ? null : '(hidden)' } } : c;
}

/** `dockctl clips`: search sealed clips by officer, recorder, date range or case number. */
export const clipsCommand: CliCommand = ledgerCliCommand({
  name: 'clips',
  summary: 'search sealed clips by officer, recorder, date or case number',
  usage: `usage: dockctl clips [--officer NO] [--recorder SERIAL] [--case PART] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--important] [--limit N] [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}`,
  options: {
    officer: { type: 'string' },
    recorder: { type: 'string' },
    case: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    important: { type: 'boolean' },
    limit: { type: 'string' },
  },
  query: (ledger, v) =>
    ledger.accessQueries
      .searchClips({
        officerNo: v.officer as string | undefined,
        serial: v.recorder as string | undefined,
        caseNo: v.case as string | undefined,
        from: v.from === undefined ? undefined : dateOption(v.from, '--from', 0),
        to: v.to === undefined ? undefined : dateOption(v.to, '--to', 1),
        importantOnly: v.important === true,
        limit: limitOption(v.limit),
      })
      .map(withoutParty),
  table: (data, view, ledger) => {
    const clips = data as ClipView[];
    if (clips.length === 0) return `${view.t('cli.clips.none')}\n`;
    const names = cliNamer(ledger, view);
    return formatTable(
      (['recorded', 'recorder', 'officer', 'file', 'size', 'case', 'important', 'handle'] as const).map((c) =>
        view.t(`cli.col.${c}`),
      ),
      clips.map((c) => [
        view.time(c.recordingStart ?? c.sealedAt),
        c.serial,
        names.officer(c.officerNo) || null,
        fileNameOf(c.sourcePath),
        formatBytes(c.size),
        c.labels?.caseNo ?? null,
        c.labels?.important ? view.t('cli.clips.important') : '',
        handle(c.id),
      ]),
    );
  },
});

/** `dockctl label CLIP …`: the R2 labels of a clip (case number, party, officer in charge, important). */
export const labelCommand: CliCommand = ledgerCliCommand({
  name: 'label',
  summary: 'label a clip with case number, party, officer in charge (R2), or mark it important',
  usage: `usage: dockctl label CLIP_ID --by USER [--case NO] [--party NAME] [--officer-in-charge NO] [--important | --not-important] [--config FILE] [--state DIR] [--json]\n${LEDGER_OPTIONS_USAGE}  Labels not given keep their value; an empty value clears one.\n`,
  options: {
    by: { type: 'string' },
    case: { type: 'string' },
    party: { type: 'string' },
    'officer-in-charge': { type: 'string' },
    important: { type: 'boolean' },
    'not-important': { type: 'boolean' },
  },
  query: (ledger, v, [typed]) => {
    if (!typed) throw new UsageError({ key: 'cli.usage.nameClipSee' });
    const clipId = resolveHandle(ledger, 'clips', typed);
    if (!v.by) throw new UsageError({ key: 'cli.usage.labelBy' });
    if (v.important && v['not-important']) throw new UsageError({ key: 'cli.usage.importantBoth' });
    const clip = ledger.accessQueries.clip(clipId);
    if (!clip) throw new UsageError({ key: 'cli.usage.noClipSee', params: { clip: clipId } });
    const old = clip.labels;
    const pick = (given: unknown, kept: string | null | undefined) =>
      given === undefined ? (kept ?? null) : String(given);
    ledger.access.labelClip({
      clipId,
      caseNo: pick(v.case, old?.caseNo),
      party: pick(v.party, old?.party),
      officerInCharge: pick(v['officer-in-charge'], old?.officerInCharge),
      important: v.important ? true : v['not-important'] ? false : (old?.important ?? false),
      labelledBy: String(v.by),
    });
    const now = ledger.accessQueries.clip(clipId);
    return now ? withoutParty(now) : null;
  },
  table: (data, view, ledger) => {
    const c = data as ClipView;
    const l = c.labels;
    return `${view.t('cli.clips.labelled', {
      clip: cliNamer(ledger, view).clip(c),
      caseNo: l?.caseNo ?? '-',
      inCharge: l?.officerInCharge ?? '-',
      party: l?.party ? view.t('cli.clips.partySet') : '-',
      important: l?.important ? view.t('cli.col.important') : view.t('cli.clips.notImportant'),
    })}\n`;
  },
});
