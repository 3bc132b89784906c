import type { AlertWording } from '../i18n/alert-text.ts';
import { DOCK_ACTOR } from '../ledger/alert-kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { parseSubject } from '../ledger/subjects.ts';
import { formatBytes } from '../reports/byte-format.ts';
import { formatDateTime } from './display-format.ts';
import type { Translate } from './i18n/messages.ts';
import type { WebContext } from './web-context.ts';

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
  /** An account, with its officer's name and number when it has one: `zhangsan（张三 000123）`. */
  account(username: string): string;
  /** An access request: who asked, for what, when (`李四 调阅 2025-03-01 08:00:00`). */
  request(requestId: string | null): string;
}

/** How an alert's facts are written on this page: recorders with their officer, sizes, local times. */
export function alertWording(ctx: Pick<WebContext, 'lang' | 'rt'>, n: Namer): AlertWording {
  return {
    lang: ctx.lang,
    recorder: n.recorder,
    bytes: formatBytes,
    time: (iso) => formatDateTime(new Date(iso), ctx.rt.timeZone),
  };
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
  const account = (username: string): string => {
    if (username === DOCK_ACTOR) return t('name.dockActor');
    const a = ledger.accessQueries.account(username);
    return a?.officerNo ? t('name.account', { username, officer: officer(a.officerNo) }) : username;
  };
  const request = (id: string | null): string => {
    const r = id ? ledger.accessQueries.accessRequest(id) : null;
    if (!r) return '';
    return t('name.request', {
      by: account(r.requestedBy),
      purpose: t(`purpose.${r.purpose}` as const),
      at: formatDateTime(r.requestedAt, timeZone),
    });
  };
  return {
    officer,
    recorder,
    clip,
    clipById,
    subject: (subject) => subjectText(ledger, t, timeZone, { recorder, clipById }, subject),
    account,
    request,
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
  const s = parseSubject(subject);
  if (!s) {
    // A machine reference this build does not know: an export, or the raw key as a last resort.
    const exportId = /^export:(.+)$/.exec(subject)?.[1];
    if (!exportId) return { text: subject, href: null };
    const e = ledger.accessQueries.export(exportId);
    return {
      text: t('name.export', { caseNo: e?.caseNo ?? '—', at: formatDateTime(e?.createdAt, timeZone) }),
      href: '/exports',
    };
  }
  switch (s.kind) {
    case 'recorder':
      return { text: n.recorder(s.serial), href: '/recorders' };
    case 'clip':
      return { text: n.clipById(s.clipId), href: `/clips/${s.clipId}` };
    case 'file':
      return {
        text: t('name.file', { recorder: n.recorder(s.serial), file: fileNameOf(s.sourcePath) }),
        href: null,
      };
    case 'device':
      return { text: t('name.usbPort', { port: s.deviceKey }), href: null };
    case 'record':
      return { text: t('name.record'), href: null };
    case 'vault':
      return { text: t('name.vault'), href: null };
    case 'forwarder':
      return { text: t('name.forwarder'), href: null };
    case 'offsite':
      return { text: t('name.offsite'), href: '/lifecycle' };
    case 'gap': {
      const after = ledger.find.clip(s.clipId);
      const before = ledger.find.clip(s.previousClipId);
      const from = formatDateTime(before?.recordingEnd ?? null, timeZone) || '?';
      const to = formatDateTime(after?.recordingStart ?? null, timeZone) || '?';
      return {
        text: t('name.gap', { recorder: n.recorder(s.serial), from, to }),
        href: after ? `/clips/${after.id}` : null,
      };
    }
  }
}
