import type { AlertFacts, AlertFactsByKind, AlertKind } from '../../agent/ledger/alert-kinds.ts';
import type { AlertInput } from '../../agent/ledger/alert-writes.ts';
import type { AlertSeverity } from '../../agent/ledger/event-types.ts';
import { LIFECYCLE_EXAMPLE_FACTS } from '../fixtures/offsite/lifecycle-events-fixture.ts';

/** Plausible facts of each alert kind, for tests that need an alert and do not look at its facts. */
export const EXAMPLE_FACTS: AlertFactsByKind = {
  'late-clip': { serial: 'A001', clipId: 'c1', sourcePath: 'DCIM/a.MP4', hoursLate: 30, limitHours: 24 },
  'recording-gap': {
    serial: 'A001',
    previousClipId: 'c0',
    clipId: 'c1',
    sourcePath: 'DCIM/b.MP4',
    gapMinutes: 20,
  },
  'unknown-recorder': { serial: 'A001', model: 'm', vendor: 'v', fingerprint: 'e:0000:0000' },
  'identity-changed': {
    serial: 'A001',
    model: 'm',
    vendor: 'v',
    fingerprint: 'e:0000:0001',
    previous: 'e:0000:0000',
  },
  'unknown-device': { deviceKey: 'block:1-2', vendorId: '0000', productId: '0000', label: null },
  'recorder-not-ready': {
    serial: 'A001',
    batteryPct: 10,
    freeBytes: null,
    minBatteryPct: 30,
    minFreeBytes: 1,
  },
  'unsafe-entries': { serial: 'A001', count: 1 },
  'unusable-recorder-taken': { serial: 'A001', status: 'faulty' },
  'no-officer': { serial: 'A001' },
  'storage-low': { freeBytes: 1, totalBytes: 100, freePercent: 1, limitPercent: 10 },
  'vault-full': { serial: 'A001', sourcePath: 'DCIM/a.MP4' },
  'forward-backlog': { records: 1, oldestAt: null, target: null, limitHours: 24 },
  'forward-rejected': { recordId: 'clip:1', reason: 'refused' },
  'read-error': {
    serial: 'A001',
    sourcePath: 'DCIM/a.MP4',
    position: 0,
    errno: 'EIO',
    attempts: 1,
    maxAttempts: 3,
  },
  'file-changed': { serial: 'A001', sourcePath: 'DCIM/a.MP4', listedBytes: 1, sealedBytes: 2, clipId: 'c1' },
  'damaged-clip': { serial: 'A001', clipId: 'c1', sourcePath: 'DCIM/a.MP4', reason: 'no-moov' },
  'device-permission': { deviceKey: 'tty:0403:6001:x', devNode: '/dev/ttyUSB0' },
  ...LIFECYCLE_EXAMPLE_FACTS,
};

/** An alert input of `kind` about `subject`, with example facts unless given. */
export function testAlert<K extends AlertKind>(
  kind: K,
  subject: string,
  opts: { severity?: AlertSeverity; detail?: string | null; facts?: AlertFacts<K> } = {},
): AlertInput<K> {
  return {
    kind,
    severity: opts.severity ?? 'warning',
    subject,
    facts: opts.facts ?? EXAMPLE_FACTS[kind],
    detail: opts.detail,
  };
}
