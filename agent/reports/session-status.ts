import type { SessionOutcome } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AlertRecord } from '../ledger/ledger-records.ts';
import { parseSubject } from '../ledger/subjects.ts';
import { type Bilingual, bi } from './table-model.ts';

/**
 * A docking as people are told about it: its outcome, except that a docking that sealed a clip
 * after a recording gap not yet explained is not complete (R9: the explanation comes before the
 * session is complete), and one still running has no outcome yet.
 */
export type SessionStatus = SessionOutcome | 'waiting-explanation' | 'running';

/** The statuses in words (page, CLI, reports). */
export const SESSION_STATUS: Readonly<Record<SessionStatus, Bilingual>> = {
  complete: bi('完成', 'complete'),
  'waiting-explanation': bi('等待中断说明（R9）', 'waiting for a gap explanation (R9)'),
  partial: bi('部分完成', 'partly done'),
  failed: bi('失败', 'failed'),
  interrupted: bi('中途拔出', 'interrupted'),
  running: bi('进行中', 'running'),
};

/** The clip a recording-gap alert is about: the clip after the gap (its facts, else its subject). */
export function gapClipOf(alert: Pick<AlertRecord, 'kind' | 'subject' | 'facts'>): string | null {
  if (alert.kind !== 'recording-gap') return null;
  const fromFacts = alert.facts?.clipId;
  if (typeof fromFacts === 'string') return fromFacts;
  const s = parseSubject(alert.subject);
  return s?.kind === 'gap' ? s.clipId : null;
}

/** Dock sessions with gaps still waiting for an explanation, with how many. */
export function sessionsWaitingForExplanation(ledger: Ledger): Map<string, number> {
  const waiting = new Map<string, number>();
  for (const a of ledger.queries.openAlerts()) {
    const clipId = gapClipOf(a);
    const sessionId = clipId ? ledger.find.clip(clipId)?.sessionId : undefined;
    if (sessionId) waiting.set(sessionId, (waiting.get(sessionId) ?? 0) + 1);
  }
  return waiting;
}

/** The status of one session given the sessions waiting for an explanation. */
export function sessionStatus(
  s: { id: string; outcome: SessionOutcome | null },
  waiting: ReadonlyMap<string, number>,
): SessionStatus {
  if (s.outcome === null) return 'running';
  if (s.outcome === 'complete' && waiting.has(s.id)) return 'waiting-explanation';
  return s.outcome;
}
