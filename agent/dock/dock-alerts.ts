import type { HeldRecorderFacts } from '../ledger/alert-kinds.ts';
import type { AlertInput } from '../ledger/alert-writes.ts';
import { subjectKey } from '../ledger/subjects.ts';

/**
 * The alerts docking raises, each with its facts (what the page says, in the reader's language),
 * its subject and one English sentence for logs and the central store. One builder per kind, so
 * the session and the sealer say what happened, not how an alert is spelled.
 */
export const dockAlerts = {
  lateClip(f: {
    serial: string;
    clipId: string;
    sourcePath: string;
    hoursLate: number;
    limitHours: number;
  }): AlertInput<'late-clip'> {
    return {
      kind: 'late-clip',
      severity: 'warning',
      subject: subjectKey({ kind: 'clip', clipId: f.clipId }),
      facts: f,
      detail: `recorder ${f.serial}: ${f.sourcePath} was sealed ${f.hoursLate} h after its recording ended (limit ${f.limitHours} h, R1)`,
    };
  },
  recordingGap(f: {
    serial: string;
    previousClipId: string;
    clipId: string;
    sourcePath: string;
    gapMinutes: number;
  }): AlertInput<'recording-gap'> {
    return {
      kind: 'recording-gap',
      severity: 'warning',
      subject: subjectKey({
        kind: 'gap',
        serial: f.serial,
        previousClipId: f.previousClipId,
        clipId: f.clipId,
      }),
      facts: f,
      detail: `recorder ${f.serial}: recording stopped for ${f.gapMinutes} min before ${f.sourcePath}; a written explanation signed by two officers is needed (R9)`,
    };
  },
  unknownRecorder(f: HeldRecorderFacts): AlertInput<'unknown-recorder'> {
    return {
      kind: 'unknown-recorder',
      severity: 'warning',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} (${f.vendor} ${f.model}) is not registered: accept or reject it`,
    };
  },
  identityChanged(f: HeldRecorderFacts & { previous: string }): AlertInput<'identity-changed'> {
    return {
      kind: 'identity-changed',
      severity: 'critical',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} came back as another model or USB identity (was ${f.previous}, now ${f.fingerprint}): check it, then accept or reject it`,
    };
  },
  unknownDevice(f: {
    deviceKey: string;
    vendorId: string;
    productId: string;
    label: string | null;
  }): AlertInput<'unknown-device'> {
    return {
      kind: 'unknown-device',
      severity: 'info',
      subject: subjectKey({ kind: 'device', deviceKey: f.deviceKey }),
      facts: f,
      detail: `a USB disk that is not a known recorder was plugged in (${f.vendorId}:${f.productId}, label ${f.label ?? 'none'}); it is not read. Add its model to the fingerprint table if it is a recorder`,
    };
  },
  notReady(f: {
    serial: string;
    batteryPct: number | null;
    freeBytes: number | null;
    minBatteryPct: number;
    minFreeBytes: number;
  }): AlertInput<'recorder-not-ready'> {
    const low = [
      ...(f.batteryPct !== null && f.batteryPct < f.minBatteryPct ? [`battery ${f.batteryPct}%`] : []),
      ...(f.freeBytes !== null && f.freeBytes < f.minFreeBytes
        ? [`${Math.floor(f.freeBytes / 1024 ** 2)} MiB free`]
        : []),
    ];
    return {
      kind: 'recorder-not-ready',
      severity: 'warning',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} is not ready for the next shift: ${low.join(', ')} (R7)`,
    };
  },
  unsafeEntries(f: { serial: string; count: number }): AlertInput<'unsafe-entries'> {
    return {
      kind: 'unsafe-entries',
      severity: 'warning',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} holds ${f.count} entries the dock would not read (links, device files, unsafe names); check the recorder`,
    };
  },
  unusableTaken(f: { serial: string; status: string }): AlertInput<'unusable-recorder-taken'> {
    return {
      kind: 'unusable-recorder-taken',
      severity: 'warning',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} is ${f.status} but left the dock: a faulty recorder must not be used (R8)`,
    };
  },
  noOfficer(f: { serial: string }): AlertInput<'no-officer'> {
    return {
      kind: 'no-officer',
      severity: 'info',
      subject: subjectKey({ kind: 'recorder', serial: f.serial }),
      facts: f,
      detail: `recorder ${f.serial} left the dock but no officer is bound to it: assign one so the ledger shows who took it (R7)`,
    };
  },
  vaultFull(f: { serial: string; sourcePath: string }): AlertInput<'vault-full'> {
    return {
      kind: 'vault-full',
      severity: 'critical',
      subject: subjectKey({ kind: 'vault' }),
      facts: f,
      detail: `the vault is full: ${f.sourcePath} of recorder ${f.serial} and the files after it were not sealed and stay on the recorder; free space in the vault, then dock it again`,
    };
  },
  readError(f: {
    serial: string;
    sourcePath: string;
    position: number;
    errno: string | null;
    attempts: number;
    maxAttempts: number;
  }): AlertInput<'read-error'> {
    const next =
      f.attempts < f.maxAttempts
        ? `it is tried again at the next dock (${f.attempts} of ${f.maxAttempts})`
        : 'it is no longer tried';
    return {
      kind: 'read-error',
      severity: 'warning',
      subject: subjectKey({ kind: 'file', serial: f.serial, sourcePath: f.sourcePath }),
      facts: f,
      detail: `recorder ${f.serial}: ${f.sourcePath} could not be read at byte ${f.position} (${f.errno ?? 'error'}); it stays on the recorder and ${next}. Report a fault for this recorder (R8)`,
    };
  },
  fileChanged(f: {
    serial: string;
    sourcePath: string;
    listedBytes: number;
    sealedBytes: number;
    clipId: string;
  }): AlertInput<'file-changed'> {
    return {
      kind: 'file-changed',
      severity: 'warning',
      subject: subjectKey({ kind: 'clip', clipId: f.clipId }),
      facts: f,
      detail: `recorder ${f.serial}: ${f.sourcePath} changed while it was copied (listed ${f.listedBytes} bytes, ${f.sealedBytes} read and sealed); it stays on the recorder and is copied again at the next dock`,
    };
  },
  damagedClip(f: {
    serial: string;
    clipId: string;
    sourcePath: string;
    reason: 'no-moov' | 'unparseable';
  }): AlertInput<'damaged-clip'> {
    const why =
      f.reason === 'no-moov' ? 'is cut short (no movie header: power loss?)' : 'is not a readable MP4';
    return {
      kind: 'damaged-clip',
      severity: 'warning',
      subject: subjectKey({ kind: 'clip', clipId: f.clipId }),
      facts: f,
      detail: `recorder ${f.serial}: ${f.sourcePath} ${why}; it was sealed byte for byte and stays on the recorder until this alert is resolved. Report a fault for this recorder (R8)`,
    };
  },
  devicePermission(
    f: { deviceKey: string; devNode: string | null },
    detail: string,
  ): AlertInput<'device-permission'> {
    return {
      kind: 'device-permission',
      severity: 'critical',
      subject: subjectKey({ kind: 'device', deviceKey: f.deviceKey }),
      facts: f,
      detail,
    };
  },
};
