import type { DetectedDevice, DeviceEvent, DeviceWatcher } from '../../drivers/contract/ports.ts';
import type { IngestProgress } from '../ingest/progress.ts';
import { dockAlerts } from './dock-alerts.ts';
import { type DockResult, DockSession, type DockSessionDeps, type DockSessionView } from './dock-session.ts';

/** The live state of the dock, for `dockctl status` and the page. */
export interface DockStatus {
  readonly sessions: readonly (DockSessionView & { readonly progress: IngestProgress | null })[];
  readonly docked: readonly { readonly serial: string; readonly keys: readonly string[] }[];
}

interface Docked {
  readonly keys: Set<string>;
  session: DockSession | null;
  last: DockResult | null;
}

/**
 * Turns watcher events into dock sessions: one session per recorder, many recorders at once
 * (the ingest pool caps concurrent copies). Disks a running session asked for are left to it.
 * When the last face of a recorder departs after its session, the recorder is checked out to its
 * officer with the battery and storage read at the end of the session (R7).
 */
export class DockManager {
  private readonly docked = new Map<string, Docked>();
  private readonly keyToSerial = new Map<string, string>();
  private readonly running = new Map<string, DockSession>();
  private readonly progress = new Map<string, IngestProgress>();
  private readonly progressAt = new Map<string, Date>();
  private readonly finished = new Set<Promise<unknown>>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: DockSessionDeps & {
      readonly watcher: DeviceWatcher;
      /** How long an unrecognised disk may wait to be claimed by a recorder switching to mass storage. */
      readonly unrecognisedGraceMs?: number;
    },
    private readonly onResult: (result: DockResult) => void = () => {},
  ) {}

  /** Start handling events (devices already present are docked too). */
  start(): void {
    this.unsubscribe = this.deps.watcher.onEvent((e) => this.onEvent(e));
    this.deps.ingester.onProgress((p) => {
      this.progress.set(p.owner, p);
      this.progressAt.set(p.owner, this.deps.now());
    });
    for (const device of this.deps.watcher.devices()) this.onArrival(device);
  }

  /** Stop taking new recorders and wait for running sessions to end. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.finished]);
  }

  /** Sessions running now, with progress, and recorders docked. */
  status(): DockStatus {
    const sessions = [...this.running.values()].map((s) => {
      const view = s.view();
      return { ...view, progress: view.serial ? (this.progress.get(view.serial) ?? null) : null };
    });
    const docked = [...this.docked.entries()].map(([serial, d]) => ({ serial, keys: [...d.keys] }));
    return { sessions, docked };
  }

  /** When each running copy last made progress (the watchdog's "no ingest stuck" check). */
  activity(): { key: string; lastProgressAt: Date }[] {
    const running = new Set([...this.running.values()].map((s) => s.view().serial));
    return [...this.progressAt.entries()]
      .filter(([serial]) => running.has(serial))
      .map(([key, lastProgressAt]) => ({ key, lastProgressAt }));
  }

  /** Dock a recorder again that is still in the dock and idle (one the manager just accepted). */
  recheck(serial: string): void {
    const entry = this.docked.get(serial);
    if (!entry || [...this.running.values()].some((s) => s.view().serial === serial)) return;
    const device = this.deps.watcher.devices().find((d) => entry.keys.has(d.key));
    if (device) this.onArrival(device);
  }

  /** Resolves when every session started so far has ended (tests, demo). */
  async idle(): Promise<void> {
    while (this.finished.size > 0) await Promise.allSettled([...this.finished]);
  }

  private onEvent(event: DeviceEvent): void {
    if (event.type === 'arrival') this.onArrival(event.device);
    else if (event.type === 'departure') this.onDeparture(event.device);
    else if (event.type === 'unrecognised') this.onUnrecognised(event.device);
  }

  private onArrival(device: DetectedDevice): void {
    const claimant = device.claimedBy ? this.running.get(device.claimedBy) : undefined;
    if (claimant) {
      // The session that asked for this disk takes it. Its control face has departed by now, so
      // the serial comes from the session, not from that face's key.
      const serial = claimant.view().serial;
      if (serial) this.track(serial, device.key);
      return;
    }
    if (this.running.has(device.key)) return;
    const session = new DockSession(this.deps, device, (serial) => this.track(serial, device.key));
    this.running.set(device.key, session);
    const done = session.run().then((result) => this.onSessionEnd(device, result));
    this.finished.add(done);
    done.finally(() => this.finished.delete(done));
  }

  private track(serial: string, key: string): void {
    this.keyToSerial.set(key, serial);
    const entry = this.docked.get(serial) ?? { keys: new Set<string>(), session: null, last: null };
    entry.keys.add(key);
    this.docked.set(serial, entry);
  }

  private onSessionEnd(device: DetectedDevice, result: DockResult): void {
    this.running.delete(device.key);
    if (result.serial) {
      this.progress.delete(result.serial);
      this.progressAt.delete(result.serial);
      this.track(result.serial, device.key);
      const entry = this.docked.get(result.serial) as Docked;
      entry.last = result;
      if (!this.stillPresent(entry)) this.checkOut(result.serial, entry);
    }
    this.onResult(result);
  }

  private onDeparture(device: DetectedDevice): void {
    const serial = this.keyToSerial.get(device.key);
    this.keyToSerial.delete(device.key);
    if (!serial) return;
    const entry = this.docked.get(serial);
    if (!entry) return;
    entry.keys.delete(device.key);
    const sessionRunning = [...this.running.values()].some((s) => s.view().serial === serial);
    if (!sessionRunning && !this.stillPresent(entry)) this.checkOut(serial, entry);
  }

  private stillPresent(entry: Docked): boolean {
    const present = new Set(this.deps.watcher.devices().map((d) => d.key));
    return [...entry.keys].some((k) => present.has(k));
  }

  /**
   * The recorder left the dock: check it out to its officer (R7). Not when it was already handed
   * out by hand (dockctl recorders checkout), and never by throwing out of an event handler: a
   * faulty or retired recorder that leaves is an alert for the manager, not a crash (R8).
   */
  private checkOut(serial: string, entry: Docked): void {
    this.docked.delete(serial);
    for (const k of entry.keys) this.keyToSerial.delete(k);
    const last = entry.last;
    if (!last || last.outcome === 'held') return;
    const { ledger } = this.deps;
    if (ledger.openAssignment(serial)) return;
    const recorder = ledger.findRecorder(serial);
    if (recorder && recorder.status !== 'in_service') {
      ledger.openAlert(dockAlerts.unusableTaken({ serial, status: recorder.status }));
      return;
    }
    const officerNo = last.officerNo ?? ledger.lastOfficer(serial);
    if (!officerNo) {
      ledger.openAlert(dockAlerts.noOfficer({ serial }));
      return;
    }
    try {
      ledger.checkOut({ serial, officerNo, batteryPct: last.batteryPct, freeBytes: last.freeBytes });
      this.deps.logger.info({ serial, officerNo }, 'recorder checked out');
    } catch (err) {
      this.deps.logger.error({ serial, err: (err as Error).message }, 'check-out not recorded');
    }
  }

  private onUnrecognised(device: DetectedDevice): void {
    const timer = setTimeout(() => {
      if (this.deps.watcher.devices().some((d) => d.devNode === device.devNode)) return; // claimed by a recorder
      this.deps.ledger.openAlert(
        dockAlerts.unknownDevice({
          deviceKey: device.key,
          vendorId: device.usb.vendorId,
          productId: device.usb.productId,
          label: device.fsLabel,
        }),
      );
    }, this.deps.unrecognisedGraceMs ?? 5000);
    timer.unref();
  }
}
