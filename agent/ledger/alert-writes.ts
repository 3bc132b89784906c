import { LedgerStateError } from './errors.ts';
import type { AlertSeverity } from './event-types.ts';
import { optionalText, requireOneOf, requireText } from './input-checks.ts';
import type { AlertRecord } from './ledger-records.ts';
import { addToOutbox } from './outbox.ts';
import { findAlert, findOpenAlert } from './record-lookups.ts';
import type { WriteContext } from './write-context.ts';

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** An alert for the equipment manager: a late clip, a recording gap, a recorder not ready … */
export interface AlertInput {
  /** Stable machine name, e.g. 'late-clip', 'recording-gap', 'recorder-not-ready'. */
  readonly kind: string;
  readonly severity: AlertSeverity;
  /** What it is about, e.g. 'recorder:SN123' or 'clip:<id>'. No personal data. */
  readonly subject: string;
  readonly detail?: string | null;
}

/** Open an alert. While one of the same kind about the same subject is open, that one is returned. */
export function openAlert(ctx: WriteContext, input: AlertInput): AlertRecord {
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
