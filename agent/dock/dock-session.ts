import type { Logger } from 'pino';
import type {
  DetectedDevice,
  DeviceWatcher,
  RecorderControl,
  RecorderDriverFactory,
  RecorderIdentity,
  RecorderVolume,
  StorageReading,
} from '../../drivers/contract/ports.ts';
import { type DockError, isDeviceGone } from '../errors.ts';
import type { StagingArea } from '../ingest/staging-area.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { SessionOutcome } from '../ledger/event-types.ts';
import { admitRecorder } from './admission.ts';
import { dockAlerts } from './dock-alerts.ts';
import type { DockRules } from './dock-rules.ts';
import type { MediaProbe } from './media-probe.ts';
import { cutsDockingShort, type DockIngester, type IngestSummary, SessionIngest } from './session-ingest.ts';
import type { SessionStep } from './session-steps.ts';
import { StagedLeftovers } from './staged-leftovers.ts';

/** Collaborators of a dock session, injected. */
export interface DockSessionDeps {
  readonly ledger: DockLedger;
  readonly ingester: DockIngester;
  readonly watcher: DeviceWatcher;
  readonly factory: RecorderDriverFactory;
  readonly rules: DockRules;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Reads recording times from sealed MP4s, isolated from the dock (media-probe.ts). */
  readonly probe: MediaProbe;
  /** How long a recorder may take to come back as a disk after the switch to mass storage. */
  readonly massStorageTimeoutMs: number;
  /** How long to wait, after a read error, for the watcher to report that the recorder left. */
  readonly departureGraceMs?: number;
  /** For the 'after-forward-ack' wipe policy: has the central store acknowledged this clip? */
  readonly isForwarded: (clipId: string) => boolean;
  /** Does the vault hold the sealed file of this digest and size? Checked before every wipe. */
  readonly vaultHolds: (sha256: string, size: number) => Promise<boolean>;
  /**
   * The staging area and the vault's file of a digest: each docking seals the copies a crash left
   * published but unsealed and, when complete, removes partial copies no dock can resume
   * (staged-leftovers.ts). Without it (unit tests of the flow) the staging area is left alone.
   */
  readonly staging?: { readonly area: StagingArea; readonly sealedPath: (sha256: string) => string };
}

/** How one docking ended. `held`: not ingested, waiting for the equipment manager. */
export interface DockResult {
  readonly serial: string | null;
  readonly sessionId: string | null;
  readonly outcome: SessionOutcome | 'held';
  readonly officerNo: string | null;
  readonly sealed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
}

/** A live view of a session for the CLI and the page. */
export interface DockSessionView {
  readonly deviceKey: string;
  readonly serial: string | null;
  readonly sessionId: string | null;
  readonly step: SessionStep;
  readonly filesTotal: number;
  readonly filesDone: number;
}

/**
 * One docking of one recorder, as a state machine whose every transition is a ledger event. It
 * reads as "control face, then volume face": identify (from the control face; nothing is mounted
 * yet) → admit → read clock and battery → start session, check in → [write the bound officer] →
 * [sync the clock and switch to mass storage] → mount the volume → ingest (session-ingest.ts) →
 * read storage → finish → release. Only a recorder that really left (the watcher saw it go, or
 * the device is gone) ends the session interrupted; the next dock resumes.
 */
export class DockSession {
  private step: SessionStep = 'detected';
  private serial: string | null = null;
  private sessionId: string | null = null;
  private readonly tally = { filesTotal: 0, filesDone: 0 };
  private readonly log: Logger;
  private readonly left = new AbortController();
  private readonly faces = new Set<string>();

  constructor(
    private readonly deps: DockSessionDeps,
    readonly device: DetectedDevice,
    private readonly onIdentified: (serial: string) => void = () => {},
  ) {
    this.log = deps.logger.child({ device: device.key });
  }

  /** The live view of this session. */
  view(): DockSessionView {
    const { serial, sessionId, step } = this;
    return { deviceKey: this.device.key, serial, sessionId, step, ...this.tally };
  }

  /** Run the docking to its end. Never throws for a recorder's failure: the outcome says what happened. */
  async run(): Promise<DockResult> {
    const opened: (RecorderControl | RecorderVolume)[] = [];
    const unwatch = this.watchDepartures();
    let gone = false;
    try {
      const control = await this.deps.factory.openControl(this.device);
      opened.push(control);
      const identity = await control.identify();
      this.serial = identity.serial;
      this.onIdentified(identity.serial);
      const admission = admitRecorder(this.deps.ledger, identity, this.device);
      if (!admission.ok) return this.hold(identity, admission.reason);
      return await this.dock(control, identity, opened);
    } catch (thrown) {
      const err = thrown instanceof IngestCutShort ? thrown.summary.cause : thrown;
      gone = await this.endedByDeparture(err);
      return await this.abandon(err, gone, thrown instanceof IngestCutShort ? thrown.summary : null);
    } finally {
      unwatch();
      for (const face of opened.reverse()) await face.release({ deviceGone: gone }).catch(() => {});
      this.mark('released');
    }
  }

  private async dock(
    control: RecorderControl,
    identity: RecorderIdentity,
    opened: (RecorderControl | RecorderVolume)[],
  ): Promise<DockResult> {
    const { ledger } = this.deps;
    const clock = control.readClock ? await control.readClock() : null;
    const batteryPct = control.battery ? await control.battery() : null;
    let volume: RecorderVolume | null = null;
    if (!control.enterMassStorage) volume = await this.openVolume(this.device, opened);
    const storage = volume ? await volume.storage() : control.storage ? await control.storage() : null;
    const officerNo = this.registerOfficer(identity);
    const session = ledger.startSession({
      serial: identity.serial,
      officerNo,
      clockSkewMs: clock?.skewMs ?? null,
      batteryPct,
      freeBytes: storage?.freeBytes ?? null,
      totalBytes: storage?.totalBytes ?? null,
    });
    this.sessionId = session.id;
    this.mark('identified', `${identity.vendor} ${identity.model}`);
    this.mark('clock-read', clock ? `skew ${clock.skewMs} ms` : 'the interface cannot read the clock');
    ledger.checkIn({ serial: identity.serial, batteryPct, freeBytes: storage?.freeBytes ?? null });
    this.mark('checked-in');
    await this.writeBinding(control, identity);
    if (control.enterMassStorage) volume = await this.switchToMassStorage(control, opened);
    this.mark('mounted');
    const outcome = await this.ingest(volume as RecorderVolume, identity.serial, clock?.skewMs ?? null);
    if (outcome.cause) throw new IngestCutShort({ ...outcome, cause: outcome.cause }); // no end readings
    const endStorage = await this.readEndStorage(volume as RecorderVolume, storage);
    this.checkReadiness(identity.serial, batteryPct, endStorage?.freeBytes ?? null);
    ledger.finishSession(session.id, {
      outcome: outcome.outcome,
      batteryPct,
      freeBytes: endStorage?.freeBytes ?? null,
    });
    await ledger.durable(); // what the session says it sealed is on disk before anyone is told
    this.mark('finished', outcome.outcome);
    const freeBytes = endStorage?.freeBytes ?? null;
    return { ...outcome, serial: identity.serial, sessionId: session.id, officerNo, batteryPct, freeBytes };
  }

  private async openVolume(disk: DetectedDevice, opened: (RecorderControl | RecorderVolume)[]) {
    this.faces.add(disk.key);
    const volume = await this.deps.factory.openVolume(disk);
    opened.push(volume);
    return volume;
  }

  private async switchToMassStorage(
    control: RecorderControl,
    opened: (RecorderControl | RecorderVolume)[],
  ): Promise<RecorderVolume> {
    if (control.syncClock) await this.syncClock(control); // the control face is gone after the switch
    const claim = this.deps.watcher.claimNextDisk(this.device, this.deps.massStorageTimeoutMs);
    claim.catch(() => {}); // observed below
    this.faces.delete(this.device.key); // the control face leaves on purpose: the disk takes over
    await control.enterMassStorage?.();
    const disk = await claim;
    this.mark('mass-storage', disk.key);
    return this.openVolume(disk, opened);
  }

  private async ingest(
    volume: RecorderVolume,
    serial: string,
    skewMs: number | null,
  ): Promise<IngestSummary> {
    const ctx = { serial, sessionId: this.sessionId as string, clockSkewMs: skewMs };
    const { staging } = this.deps;
    const leftovers = staging
      ? new StagedLeftovers({ ...this.deps, ...staging, staging: staging.area })
      : null;
    const resealed = leftovers ? await this.settle('seal', () => leftovers.sealPublished(ctx)) : 0;
    const summary = await new SessionIngest(this.deps, this.tally).run(volume, {
      ...ctx,
      signal: this.left.signal,
      departed: () => this.left.signal.aborted,
      departedWithin: () => this.departedWithin(this.deps.departureGraceMs ?? 1500),
      mark: (step, detail) => this.mark(step, detail ?? null),
    });
    // After a docking that ran to its end (every file tried, some may have failed), while the
    // recorder is still here: a part whose file the recorder no longer lists under the same size
    // and time cannot be resumed by any later dock. A recorder with an unreadable file never
    // completes a docking, so waiting for 'complete' left such parts behind for good (crash
    // campaign, seed 1, trials 96, 119, 126, 157). Only a whole listing is trusted for this.
    if (leftovers && summary.outcome !== 'interrupted' && !this.left.signal.aborted)
      await this.settle('clean', async () => {
        const listing = await volume.listFiles();
        const whole =
          !listing.truncated &&
          !listing.skipped.some((s) => s.reason === 'unreadable' || s.reason === 'entry-limit');
        return whole ? leftovers.removeStale(serial, listing.files) : 0;
      });
    return { ...summary, sealed: summary.sealed + resealed };
  }

  /** Settle staged leftovers; a failure is logged and does not stop the docking (they wait). */
  private async settle(what: 'seal' | 'clean', run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (err) {
      if (isDeviceGone(err)) throw err;
      this.log.error(
        { err: (err as Error).message, what },
        'staged copies not settled; the next dock retries',
      );
      return 0;
    }
  }

  private async readEndStorage(volume: RecorderVolume, before: StorageReading | null) {
    const end = this.left.signal.aborted ? before : await volume.storage().catch(() => before);
    this.mark('storage-read', end ? `${end.freeBytes} bytes free` : 'unknown');
    return end;
  }

  private async syncClock(control: RecorderControl): Promise<void> {
    const result = await control.syncClock?.();
    if (result)
      this.mark('clock-synced', result.readBack ? `skew now ${result.readBack.skewMs} ms` : result.method);
  }

  /**
   * The equipment manager bound this recorder to another officer: write that officer into the
   * device (before any switch to mass storage, while the control face is there). A write the
   * device refuses is recorded as a step and does not stop the docking.
   */
  private async writeBinding(control: RecorderControl, identity: RecorderIdentity): Promise<void> {
    if (!control.assignOfficer) return;
    const bound = this.deps.ledger.boundOfficer(identity.serial);
    if (!bound || bound === identity.officerNo) return;
    const officer = this.deps.ledger.findOfficer(bound);
    if (!officer) return;
    try {
      await control.assignOfficer({
        serial: identity.serial,
        officerNo: officer.officerNo,
        officerName: officer.name,
        unitNo: identity.unitNo ?? '',
        unitName: officer.unit ?? identity.unitName ?? '',
      });
      this.mark('officer-written', officer.officerNo);
    } catch (err) {
      if (isDeviceGone(err)) throw err;
      this.log.warn({ err: (err as Error).message, officerNo: officer.officerNo }, 'officer not written');
      this.mark('officer-write-failed', (err as Error).message);
    }
  }

  private registerOfficer(identity: RecorderIdentity): string | null {
    if (!identity.officerNo) return null;
    if (!this.deps.ledger.findOfficer(identity.officerNo)) {
      this.deps.ledger.registerOfficer({
        officerNo: identity.officerNo,
        name: identity.officerName ?? identity.officerNo,
        unit: identity.unitName,
      });
    }
    return identity.officerNo;
  }

  /** R7: a recorder with a low battery or little free storage is shown as not ready. */
  private checkReadiness(serial: string, batteryPct: number | null, freeBytes: number | null): void {
    const { minBatteryPct, minFreeBytes } = this.deps.rules;
    const lowBattery = batteryPct !== null && batteryPct < minBatteryPct;
    const lowStorage = freeBytes !== null && freeBytes < minFreeBytes;
    if (!lowBattery && !lowStorage) return;
    this.deps.ledger.openAlert(
      dockAlerts.notReady({ serial, batteryPct, freeBytes, minBatteryPct, minFreeBytes }),
    );
  }

  /** Follow the watcher: when a face of this recorder leaves, the docking is over. */
  private watchDepartures(): () => void {
    this.faces.add(this.device.key);
    return this.deps.watcher.onEvent((e) => {
      if (e.type === 'departure' && this.faces.has(e.device.key) && !this.left.signal.aborted) {
        this.log.info({ key: e.device.key }, 'recorder left the dock');
        this.left.abort(new RecorderLeftError(this.serial ?? e.device.key));
      }
    });
  }

  /**
   * Whether an error ended the docking because the recorder left. A plain I/O error (EIO) is not
   * proof: the watcher is given a moment to report the departure that a yank causes.
   */
  private async endedByDeparture(err: unknown): Promise<boolean> {
    if (cutsDockingShort(err)) return true;
    return this.departedWithin(this.deps.departureGraceMs ?? 1500);
  }

  /** True when the recorder left, or leaves within `ms` (the watcher's event trails a yank). */
  private async departedWithin(ms: number): Promise<boolean> {
    const { signal } = this.left;
    if (signal.aborted || ms <= 0) return signal.aborted;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return signal.aborted;
  }

  /** The box refuses the service this recorder's device: the manager must have it fixed (R8). */
  private alertPermission(err: Error): void {
    this.deps.ledger.openAlert(
      dockAlerts.devicePermission({ deviceKey: this.device.key, devNode: this.device.devNode }, err.message),
    );
  }

  private hold(identity: RecorderIdentity, reason: string): DockResult {
    this.mark('held', reason);
    this.log.warn({ serial: identity.serial }, 'recorder held for the equipment manager');
    const nothing = { sealed: 0, skipped: 0, failed: 0, batteryPct: null, freeBytes: null };
    return {
      serial: identity.serial,
      sessionId: null,
      outcome: 'held',
      officerNo: identity.officerNo,
      ...nothing,
    };
  }

  private async abandon(err: unknown, gone: boolean, summary: IngestSummary | null): Promise<DockResult> {
    const outcome: SessionOutcome = gone ? 'interrupted' : 'failed';
    if ((err as DockError).code === 'DEVICE_PERMISSION') this.alertPermission(err as Error);
    this.log.warn(
      { serial: this.serial, step: this.step, code: (err as DockError).code, err: (err as Error).message },
      'dock session ended early',
    );
    if (this.sessionId && !this.deps.ledger.findSession(this.sessionId)?.finishedAt) {
      this.mark('ended-early', `${this.step}: ${(err as Error).message}`);
      this.deps.ledger.finishSession(this.sessionId, { outcome });
      await this.deps.ledger.durable(); // what was sealed before it ended is on disk before anyone is told
    }
    return {
      serial: this.serial,
      sessionId: this.sessionId,
      outcome,
      officerNo: null,
      sealed: summary?.sealed ?? this.tally.filesDone,
      skipped: summary?.skipped ?? 0,
      failed: summary?.failed ?? 0,
      batteryPct: null,
      freeBytes: null,
    };
  }

  private mark(step: SessionStep, detail: string | null = null): void {
    this.step = step;
    if (this.sessionId) this.deps.ledger.step(this.sessionId, step, detail);
    this.log.info({ serial: this.serial, step, detail }, 'dock step');
  }
}

/** The ingest phase was cut short (its summary says why): the docking ends early. */
class IngestCutShort extends Error {
  constructor(readonly summary: IngestSummary & { readonly cause: Error }) {
    super(summary.cause.message);
  }
}

/** The recorder left the dock while it was being served. */
class RecorderLeftError extends Error {
  readonly code = 'DEVICE_GONE';
  constructor(serial: string) {
    super(`the recorder ${serial} left the dock; dock it again to resume`);
  }
}
