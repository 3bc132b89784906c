import type { UsageSession } from '../../ledger/manager-queries.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { asShown } from '../../reports/cell-format.ts';
import {
  SESSION_STATUS,
  sessionStatus,
  sessionsWaitingForExplanation,
} from '../../reports/session-status.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { simpleTable } from '../table-view.ts';
import { namer } from '../things-named.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';

const DAY_MS = 24 * 3_600_000;

/** Counts of the last 24 hours, each a sum over the rows shown (so the line and the table agree). */
export interface DaySummary {
  readonly dockings: number;
  readonly officers: number;
  readonly clips: number;
  readonly bytes: number;
  readonly late: number;
  readonly gaps: number;
  readonly waiting: number;
  readonly failed: number;
}

/** Sum the rows of the summary table. */
export function summarize(rows: readonly { s: UsageSession; status: string }[]): DaySummary {
  const officers = new Set(rows.map((r) => r.s.officerNo).filter((no) => no !== null));
  const sum = (f: (s: UsageSession) => number) => rows.reduce((n, r) => n + f(r.s), 0);
  return {
    dockings: rows.length,
    officers: officers.size,
    clips: sum((s) => s.clipCount),
    // As the rows show them, so that the line is the sum of the table (issue 16).
    bytes: sum((s) => asShown(s.clipBytes, 'bytes')),
    late: sum((s) => s.lateClips),
    gaps: sum((s) => s.gapClips),
    waiting: rows.filter((r) => r.status === 'waiting-explanation').length,
    failed: rows.filter((r) => r.status === 'failed' || r.status === 'interrupted').length,
  };
}

/**
 * The morning view for the equipment manager (R7, R9): every docking of the last 24 hours, who
 * docked, what was sealed, late clips, gaps (and whether they wait for an explanation), failures.
 */
export function daySummarySection(ctx: WebContext): SafeHtml {
  const { ledger, timeZone } = ctx.rt;
  const t = ctx.t;
  const lang = ctx.lang;
  const now = ctx.rt.now();
  const sessions = ledger.queries.sessionsStarted({ from: new Date(now.getTime() - DAY_MS), to: now });
  const waiting = sessionsWaitingForExplanation(ledger);
  const n = namer(ledger, t, timeZone);
  const rows = sessions.map((s) => ({ s, status: sessionStatus(s, waiting) }));
  const sum = summarize(rows);
  const tableRows = rows.map(
    ({ s, status }) =>
      html`<tr data-session="${s.id}" data-status="${status}"><td>${formatDateTime(s.startedAt, timeZone)}</td><td>${
        s.serial
      }</td><td>${n.officer(s.officerNo)}</td><td class="${
        status === 'complete' ? 'ok' : status === 'running' ? '' : 'bad'
      }">${SESSION_STATUS[status][lang]}</td><td class="num">${s.clipCount}</td><td class="num">${formatBytes(s.clipBytes, 'MiB')}</td><td class="num">${s.lateClips || ''}</td><td class="num">${s.gapClips || ''}</td></tr>`,
  );
  return html`<section id="day-summary"><h2>${t('summary.title')}</h2>
<p id="day-summary-line">${t('summary.line', {
    dockings: sum.dockings,
    officers: sum.officers,
    clips: sum.clips,
    bytes: formatBytes(sum.bytes, 'MiB'),
    late: sum.late,
    gaps: sum.gaps,
    waiting: sum.waiting,
    failed: sum.failed,
  })}</p>
${simpleTable(
  [
    t('summary.startedAt'),
    t('now.serial'),
    t('summary.officer'),
    t('summary.status'),
    t('summary.clips'),
    t('clips.size'),
    t('clips.late'),
    t('summary.gaps'),
  ],
  tableRows,
  { id: 'day-summary-table', empty: t('summary.none') },
)}</section>`;
}

/** What waits for this user: signatures, explanations to read, requests and account changes to decide. */
export function noticesSection(ctx: WebContext): SafeHtml {
  const { ledger } = ctx.rt;
  const t = ctx.t;
  const me = userOf(ctx).account;
  const items: SafeHtml[] = [];
  const toSign = me.officerNo && userCan(ctx, 'gaps.sign') ? ledger.gaps.awaiting(me.officerNo).length : 0;
  if (toSign > 0)
    items.push(
      html`<li id="gaps-to-sign-notice"><a href="/gaps">${t('notice.toSign', { n: toSign })}</a></li>`,
    );
  if (userCan(ctx, 'gaps.acknowledge')) {
    const toRead = ledger.gaps.unacknowledged().length;
    if (toRead > 0)
      items.push(
        html`<li id="gaps-to-read-notice"><a href="/gaps">${t('notice.toRead', { n: toRead })}</a></li>`,
      );
  }
  if (userCan(ctx, 'footage.decide')) {
    const pending = ledger.accessQueries
      .accessRequests({ status: 'pending' })
      .filter((r) => r.requestedBy !== me.username).length;
    if (pending > 0)
      items.push(
        html`<li id="requests-notice"><a href="/access">${t('notice.requests', { n: pending })}</a></li>`,
      );
  }
  if (userCan(ctx, 'accounts.confirm')) {
    const changes = ctx.rt.accountChanges.pending().length;
    if (changes > 0)
      items.push(
        html`<li id="account-changes-notice"><a href="/access#account-changes">${t('notice.accounts', { n: changes })}</a></li>`,
      );
  }
  return items.length ? html`<ul class="notices" id="notices">${items}</ul>` : html``;
}
