import type { DetectedDevice, RecorderIdentity } from '../../drivers/ports.ts';
import type { Ledger } from '../ledger/ledger.ts';

/** What the dock keeps of a device to notice a changed identity: the fingerprint entry and USB ids. */
export function deviceFingerprint(device: DetectedDevice): string {
  const entry = device.match?.entryId ?? 'unmatched';
  return `${entry}:${device.usb.vendorId}:${device.usb.productId}`;
}

/** The details an 'unknown-recorder' alert carries, for accepting it later (dockctl recorders accept). */
export interface HeldRecorder {
  readonly serial: string;
  readonly model: string;
  readonly vendor: string;
  readonly fingerprint: string;
}

/**
 * Whether a recorder is ingested automatically. An unknown recorder, or one whose identity changed
 * since it was last seen (another model or USB identity under the same serial), is held: an alert
 * asks the equipment manager to accept or reject it. A faulty or retired recorder is still
 * ingested: its footage must be stored (R1) whatever the state of the device.
 */
export function admitRecorder(
  ledger: Ledger,
  identity: RecorderIdentity,
  device: DetectedDevice,
): { ok: true } | { ok: false; reason: string } {
  const fingerprint = deviceFingerprint(device);
  const known = ledger.find.recorder(identity.serial);
  const held: HeldRecorder = {
    serial: identity.serial,
    model: identity.model,
    vendor: identity.vendor,
    fingerprint,
  };
  if (!known) {
    ledger.openAlert({
      kind: 'unknown-recorder',
      severity: 'warning',
      subject: `recorder:${identity.serial}`,
      detail: JSON.stringify(held),
    });
    return { ok: false, reason: 'unknown recorder: waiting for the equipment manager to accept it' };
  }
  if (known.fingerprint !== null && known.fingerprint !== fingerprint) {
    ledger.openAlert({
      kind: 'identity-changed',
      severity: 'critical',
      subject: `recorder:${identity.serial}`,
      detail: JSON.stringify({ ...held, previous: known.fingerprint }),
    });
    return { ok: false, reason: `identity changed (was ${known.fingerprint}, now ${fingerprint})` };
  }
  return { ok: true };
}
