import type { ForwarderStatus } from '../forwarder/forwarder-status.ts';
import type { IngestProgress } from '../ingest/progress.ts';
import { HELD_ALERT_KINDS } from '../ledger/alert-kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { DockStatus } from './dock-manager.ts';

/** One recorder in the dock right now, as the page's "Now" view shows it. */
export interface LiveRecorder {
  readonly deviceKey: string;
  readonly serial: string | null;
  readonly officerNo: string | null;
  readonly step: string;
  /** Waiting for the equipment manager to accept or reject it. */
  readonly held: boolean;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
  readonly totalBytes: number | null;
  readonly filesTotal: number;
  readonly filesDone: number;
  readonly progress: Omit<IngestProgress, 'resumeKey' | 'owner'> | null;
}

/** What the dock is doing now: recorders present, their copies, the USB bus and the forwarder. */
export interface LiveDockView {
  readonly at: string;
  readonly usbBus: string;
  readonly recorders: readonly LiveRecorder[];
  readonly forwarder: { readonly state: string; readonly backlog: number } | null;
}

/** Where the live view's facts come from. */
export interface LiveSources {
  readonly ledger: Ledger;
  readonly dock: () => DockStatus;
  readonly usbBus: () => string;
  readonly forwarder: () => ForwarderStatus | null;
  readonly now: () => Date;
}

/**
 * Join the dock manager's live sessions (what is physically present and copying) with the
 * ledger's session records (officer, battery and storage read at the dock). A recorder that is
 * docked but whose session has ended still shows, with its last readings.
 */
export function buildLiveView(src: LiveSources): LiveDockView {
  const status = src.dock();
  const held = new Set(
    src.ledger.queries
      .openAlerts()
      .filter((a) => (HELD_ALERT_KINDS as readonly string[]).includes(a.kind))
      .map((a) => a.subject.replace(/^recorder:/, '')),
  );
  const recorders: LiveRecorder[] = [];
  const seen = new Set<string>();
  for (const s of status.sessions) {
    if (s.serial) seen.add(s.serial);
    const record = s.sessionId ? src.ledger.find.session(s.sessionId) : null;
    recorders.push({
      deviceKey: s.deviceKey,
      serial: s.serial,
      officerNo: record?.officerNo ?? null,
      step: s.step,
      held: s.serial !== null && held.has(s.serial),
      batteryPct: record?.endBatteryPct ?? record?.batteryPct ?? null,
      freeBytes: record?.endFreeBytes ?? record?.freeBytes ?? null,
      totalBytes: record?.totalBytes ?? null,
      filesTotal: s.filesTotal,
      filesDone: s.filesDone,
      progress: s.progress
        ? {
            sourcePath: s.progress.sourcePath,
            phase: s.progress.phase,
            bytesDone: s.progress.bytesDone,
            bytesTotal: s.progress.bytesTotal,
            bytesPerSecond: Math.round(s.progress.bytesPerSecond),
            etaSeconds: s.progress.etaSeconds === null ? null : Math.round(s.progress.etaSeconds),
          }
        : null,
    });
  }
  for (const d of status.docked) {
    if (seen.has(d.serial)) continue;
    const last = src.ledger.queries
      .recorderUsage(d.serial, {
        from: new Date(0),
        to: new Date(src.now().getTime() + 60_000),
      })
      .sessions.at(-1);
    recorders.push({
      deviceKey: d.keys[0] ?? d.serial,
      serial: d.serial,
      officerNo: last?.officerNo ?? null,
      step: held.has(d.serial) ? 'held' : 'done',
      held: held.has(d.serial),
      batteryPct: last?.endBatteryPct ?? last?.batteryPct ?? null,
      freeBytes: last?.endFreeBytes ?? last?.freeBytes ?? null,
      totalBytes: last?.totalBytes ?? null,
      filesTotal: last?.clipCount ?? 0,
      filesDone: last?.clipCount ?? 0,
      progress: null,
    });
  }
  const fwd = src.forwarder();
  return {
    at: src.now().toISOString(),
    usbBus: src.usbBus(),
    recorders,
    forwarder: fwd ? { state: fwd.targetReachable ? fwd.phase : 'unreachable', backlog: fwd.backlog } : null,
  };
}
