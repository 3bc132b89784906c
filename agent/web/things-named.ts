import type { Ledger } from '../ledger/ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { formatDateTime } from './display-format.ts';
import type { Translate } from './i18n/messages.ts';

/**
 * People, recorders, clips and times as a person reads them (issue 16): an officer by name and
 * number, a clip by recorder, officer, recording time and file name, never by an id. Machine
 * references (`recorder:SN`, `clip:<id>`, `gap:…`) stay in the ledger; this turns them into words.
 */
export interface Namer {
  /** `张三（000123）`, or the number alone for an officer the ledger does not know. */
  officer(officerNo: string | null | undefined): string;
  /** `A123456（张三 000123）`: a recorder with the officer of its last docking. */
  recorder(serial: string): string;
  /** `A123456 · 张三（000123）· 2026-03-01 08:30:00 · VID_0001.MP4`. */
  clip(clip: Pick<ClipRecord, 'id' | 'serial' | 'sourcePath' | 'recordingStart' | 'sealedAt'>): string;
  /** A clip by id; the id's first characters when it is not in the ledger. */
  clipById(clipId: string): string;
  /** What an alert or log line concerns, in words, and the page that shows it. */
  subject(subject: string): { text: string; href: string | null };
}

/** The file name part of a recorder path. */
export function fileNameOf(sourcePath: string): string {
  return sourcePath.split(/[/\\]/).pop() ?? sourcePath;
}

/** A namer over the ledger for one page or command (it caches what it looked up). */
export function namer(ledger: Ledger, t: Translate, timeZone: string): Namer {
  const officers = new Map<string, string>();
  const officer = (no: string | null | undefined): string => {
    if (!no) return '';
    let text = officers.get(no);
    if (text === undefined) {
      const name = ledger.find.officer(no)?.name;
      text = name ? t('name.officer', { name, no }) : no;
      officers.set(no, text);
    }
    return text;
  };
  const recorder = (serial: string): string => {
    const no = ledger.find.openSession(serial)?.officerNo ?? lastOfficerOf(ledger, serial);
    return no ? t('name.recorder', { serial, officer: officer(no) }) : serial;
  };
  const clip: Namer['clip'] = (c) => {
    const view = ledger.accessQueries.clip(c.id);
    return [
      c.serial,
      officer(view?.officerNo),
      formatDateTime(c.recordingStart ?? c.sealedAt, timeZone),
      fileNameOf(c.sourcePath),
    ]
      .filter((p) => p !== '')
      .join(' · ');
  };
  const clipById = (id: string): string => {
    const c = ledger.find.clip(id);
    return c ? clip(c) : t('name.unknownClip', { id: id.slice(0, 8) });
  };
  return {
    officer,
    recorder,
    clip,
    clipById,
    subject: (subject) => subjectText(ledger, t, timeZone, { recorder, clipById }, subject),
  };
}

function lastOfficerOf(ledger: Ledger, serial: string): string | null {
  return ledger.accessQueries.binding(serial)?.officerNo ?? ledger.accessQueries.lastOfficerOf(serial);
}

function subjectText(
  ledger: Ledger,
  t: Translate,
  timeZone: string,
  n: Pick<Namer, 'recorder' | 'clipById'>,
  subject: string,
): { text: string; href: string | null } {
  const [kind, ...rest] = subject.split(':');
  const value = rest.join(':');
  if (kind === 'recorder' && value) return { text: n.recorder(value), href: '/recorders' };
  if (kind === 'clip' && /^[0-9a-f]{32}$/.test(value))
    return { text: n.clipById(value), href: `/clips/${value}` };
  if (kind === 'device') return { text: t('name.usbPort', { port: value }), href: null };
  if (kind === 'export') {
    const e = ledger.accessQueries.export(value);
    const at = formatDateTime(e?.createdAt, timeZone);
    return { text: t('name.export', { caseNo: e?.caseNo ?? '—', at }), href: '/exports' };
  }
  if (kind === 'gap') {
    const ids = rest.filter((p) => /^[0-9a-f]{32}$/.test(p));
    const after = ids.length > 0 ? ledger.find.clip(ids[ids.length - 1] as string) : null;
    const before = ids.length > 1 ? ledger.find.clip(ids[0] as string) : null;
    if (after) {
      const from = formatDateTime(before?.recordingEnd ?? null, timeZone);
      const to = formatDateTime(after.recordingStart, timeZone);
      return {
        text: t('name.gap', { recorder: n.recorder(after.serial), from: from || '?', to: to || '?' }),
        href: `/clips/${after.id}`,
      };
    }
    return { text: rest[0] ? n.recorder(rest[0]) : subject, href: null };
  }
  return { text: subject, href: null };
}
