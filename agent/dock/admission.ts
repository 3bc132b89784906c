import type { DetectedDevice, RecorderIdentity } from '../../drivers/contract/ports.ts';
import type { HeldRecorderFacts } from '../ledger/alert-kinds.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import { dockAlerts } from './dock-alerts.ts';

/** What the dock keeps of a device to notice a changed identity: the fingerprint entry and USB ids. */
export function deviceFingerprint(device: DetectedDevice): string {
  const entry = device.match?.entryId ?? 'unmatched';
  return `${entry}:${device.usb.vendorId}:${device.usb.productId}`;
}

/**
 * Whether a recorder is ingested automatically. An unknown recorder, or one whose identity changed
 * since it was last seen (another model or USB identity under the same serial), is held: an alert
 * asks the equipment manager to accept or reject it, and nothing on it is mounted or read. A
 * faulty or retired recorder is still ingested: its footage must be stored (R1) whatever the state
 * of the device.
 */
export function admitRecorder(
  ledger: DockLedger,
  identity: RecorderIdentity,
  device: DetectedDevice,
): { ok: true } | { ok: false; reason: string } {
  const fingerprint = deviceFingerprint(device);
  const known = ledger.findRecorder(identity.serial);
  const held: HeldRecorderFacts = {
    serial: identity.serial,
    model: identity.model,
    vendor: identity.vendor,
    fingerprint,
  };
  if (!known) {
    ledger.openAlert(dockAlerts.unknownRecorder(held));
    return { ok: false, reason: 'unknown recorder: waiting for the equipment manager to accept it' };
  }
  if (known.fingerprint !== null && known.fingerprint !== fingerprint) {
    ledger.openAlert(dockAlerts.identityChanged({ ...held, previous: known.fingerprint }));
    return { ok: false, reason: `identity changed (was ${known.fingerprint}, now ${fingerprint})` };
  }
  return { ok: true };
}
