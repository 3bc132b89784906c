import type { AlertFacts, AlertKind } from './alert-kinds.ts';
import { canonicalJson } from './canonical-json.ts';
import { LedgerStateError } from './errors.ts';
import type { AlertSeverity } from './event-types.ts';
import { optionalText, requireOneOf, requireText } from './input-checks.ts';
import type { AlertRecord } from './ledger-records.ts';
import { addToOutbox } from './outbox.ts';
import { findAlert, findOpenAlert } from './record-lookups.ts';
import type { WriteContext } from './write-context.ts';

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** An alert for the equipment manager: a late clip, a recording gap, a recorder not ready … */
export interface AlertInput<K extends AlertKind = AlertKind> {
  /** One of the alert vocabulary's kinds (alert-kinds.ts). */
  readonly kind: K;
  readonly severity: AlertSeverity;
  /** What it is about, built with subjects.ts (`recorder:SN123`, `clip:<id>` …). No personal data. */
  readonly subject: string;
  /** The kind's facts: what the page and the CLI say, in the reader's language. */
  readonly facts: AlertFacts<K>;
  /** The same in one English sentence, for logs and the central store. */
  readonly detail?: string | null;
}

/** An alert input of any kind (the union of AlertInput<K> over the kinds). */
export type AnyAlertInput = { [K in AlertKind]: AlertInput<K> }[AlertKind];

/** Open an alert. While one of the same kind about the same subject is open, that one is returned. */
export function openAlert(ctx: WriteContext, input: AnyAlertInput): AlertRecord {
  const kind = requireText('kind', input.kind);
  const subject = requireText('subject', input.subject);
  const open = findOpenAlert(ctx.db, kind, subject);
  if (open) return open;
  const alertId = ctx.newId();
  const at = ctx.now();
  const ev = ctx.events.append(
    'alert.opened',
    {
      alertId,
      kind,
      severity: requireOneOf('severity', input.severity, SEVERITIES),
      subject,
      detail: optionalText('detail', input.detail),
      openedAt: at.toISOString(),
      facts: JSON.parse(canonicalJson(input.facts)) as Record<string, string | number | boolean | null>,
    },
    at,
  );
  const alert = findAlert(ctx.db, alertId) as AlertRecord;
  queueAlert(ctx, alert, ev.seq, 'opened');
  return alert;
}

/** Resolve an open alert. `resolvedBy` is a staff id, never a name. Resolving twice is a no-op. */
export function resolveAlert(
  ctx: WriteContext,
  alertId: string,
  input: { resolvedBy?: string | null; note?: string | null } = {},
): AlertRecord {
  const alert = findAlert(ctx.db, alertId);
  if (!alert) throw new LedgerStateError(`the alert ${alertId} is not in the ledger`);
  if (alert.resolvedAt) return alert;
  const at = ctx.now();
  const ev = ctx.events.append(
    'alert.resolved',
    {
      alertId,
      resolvedAt: at.toISOString(),
      resolvedBy: optionalText('resolvedBy', input.resolvedBy),
      note: optionalText('note', input.note),
    },
    at,
  );
  const resolved = findAlert(ctx.db, alertId) as AlertRecord;
  queueAlert(ctx, resolved, ev.seq, 'resolved');
  return resolved;
}

/**
 * The alert's state for the central store, in the transaction of the event that changed it: one
 * record when it opens, one when it is resolved (ids `alert:<id>:opened` / `:resolved`).
 */
function queueAlert(ctx: WriteContext, a: AlertRecord, seq: number, change: 'opened' | 'resolved'): void {
  addToOutbox(ctx.db, {
    kind: 'alert',
    recordId: `alert:${a.id}:${change}`,
    eventSeq: seq,
    createdAt: ctx.now(),
    body: {
      alertId: a.id,
      dockId: ctx.dockId,
      kind: a.kind,
      severity: a.severity,
      subject: a.subject,
      detail: a.detail,
      state: change === 'opened' ? 'open' : 'resolved',
      openedAt: a.openedAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      resolvedBy: a.resolvedBy,
      note: a.note,
      seq,
    },
  });
}
