import { DockError } from '../errors.ts';
import { HELD_ALERT_KINDS } from '../ledger/alert-kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AlertRecord } from '../ledger/ledger-records.ts';
import { parseSubject } from '../ledger/subjects.ts';

/** Whether an alert of this kind holds a recorder at the dock until the equipment manager decides. */
export function holdsRecorder(kind: string): boolean {
  return (HELD_ALERT_KINDS as readonly string[]).includes(kind);
}

/** What the dock saw of a held recorder (the alert's JSON detail). */
export interface HeldIdentity {
  readonly model: string | null;
  readonly vendor: string | null;
  readonly fingerprint: string | null;
}

/** A recorder waiting for a decision, with its alert. */
export interface HeldRecorder {
  readonly serial: string;
  readonly alert: AlertRecord;
  readonly identity: HeldIdentity;
}

/** The held identity from the alert's facts (schema 7), or from the JSON detail older builds wrote. */
function identityOf(alert: AlertRecord): HeldIdentity {
  let parsed: unknown = alert.facts;
  if (parsed === null) {
    try {
      parsed = JSON.parse(alert.detail ?? 'null');
    } catch {
      parsed = null;
    }
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return { model: text(o.model), vendor: text(o.vendor), fingerprint: text(o.fingerprint) };
}

/** Recorders held at the dock now (open unknown-recorder / identity-changed alerts). */
export function heldRecorders(ledger: Ledger): HeldRecorder[] {
  return ledger.queries.openAlerts().flatMap((alert) => {
    const subject = parseSubject(alert.subject);
    if (!holdsRecorder(alert.kind) || subject?.kind !== 'recorder') return [];
    return [{ serial: subject.serial, alert, identity: identityOf(alert) }];
  });
}

/** The recorder named is not held at the dock (any more). */
export class RecorderNotHeldError extends DockError {
  constructor(readonly serial: string) {
    super(
      'RECORDER_NOT_HELD',
      `recorder ${serial} is not waiting for a decision (any more): see the held recorders on the page or 'dockctl alerts'`,
    );
  }
}

/**
 * Accept (register with what the dock saw, then resolve the alert) or reject (resolve with the
 * note 'rejected') a held recorder, in one transaction: the page and `dockctl recorders
 * accept|reject` both decide through this. Throws RecorderNotHeldError.
 */
export function decideHeldRecorder(
  ledger: Ledger,
  serial: string,
  decision: 'accept' | 'reject',
  by: string,
): void {
  const held = heldRecorders(ledger).find((h) => h.serial === serial);
  if (!held) throw new RecorderNotHeldError(serial);
  ledger.transaction(() => {
    if (decision === 'accept') ledger.registerRecorder({ serial, ...held.identity });
    ledger.resolveAlert(held.alert.id, {
      resolvedBy: by,
      note: decision === 'accept' ? 'accepted' : 'rejected',
    });
  });
}
