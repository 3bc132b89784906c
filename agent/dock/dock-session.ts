import type { Logger } from 'pino';
import type {
  DetectedDevice,
  DeviceWatcher,
  FootageEntry,
  RecorderDriver,
  RecorderDriverFactory,
  RecorderIdentity,
} from '../../drivers/ports.ts';
import { DockError } from '../errors.ts';
import type { Ingester, IngestRequest, IngestSettled } from '../ingest/ingester.ts';
import { SourceGoneError } from '../ingest/source.ts';
import type { SessionOutcome } from '../ledger/event-types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { admitRecorder } from './admission.ts';
import { ClipSealer } from './clip-sealer.ts';
import type { DockRules } from './dock-rules.ts';
import { readRecordingTimes } from './recording-times.ts';

/** Collaborators of a dock session, injected. */
export interface DockSessionDeps {
  readonly ledger: Ledger;
  readonly ingester: Ingester;
  readonly watcher: DeviceWatcher;
  readonly factory: RecorderDriverFactory;
  readonly rules: DockRules;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How long a recorder may take to come back as a disk after the switch to mass storage. */
  readonly massStorageTimeoutMs: number;
  /** For the 'after-forward-ack' wipe policy: has the central store acknowledged this clip? */
  readonly isForwarded: (clipId: string) => boolean;
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
  readonly step: string;
  readonly filesTotal: number;
  readonly filesDone: number;
}

/**
 * One docking of one recorder, as a state machine whose every transition is a ledger event:
 * identify → admit → read clock → start session, check in → [switch to mass storage] → mount →
 * list → ingest each file (oldest first, skipping sealed ones) → seal → [wipe] → sync clock →
 * read battery and storage → finish → release. A recorder pulled out at any step leaves the
 * session `interrupted` with exactly what was sealed; the next dock resumes.
 */
export class DockSession {
  private step = 'detected';
  private serial: string | null = null;
  private sessionId: string | null = null;
  private filesTotal = 0;
  private filesDone = 0;
  private readonly log: Logger;
  private readonly sealer: ClipSealer;

  constructor(
    private readonly deps: DockSessionDeps,
    readonly device: DetectedDevice,
    private readonly onIdentified: (serial: string) => void = () => {},
  ) {
    this.log = deps.logger.child({ device: device.key });
    this.sealer = new ClipSealer(deps);
  }

  /** The live view of this session. */
  view(): DockSessionView {
    const { serial, sessionId, step, filesTotal, filesDone } = this;
    return { deviceKey: this.device.key, serial, sessionId, step, filesTotal, filesDone };
  }

  /** Run the docking to its end. Never throws for a recorder's failure: the outcome says what happened. */
  async run(): Promise<DockResult> {
    const drivers: RecorderDriver[] = [];
    let gone = false;
    try {
      const control = await this.deps.factory.open(this.device);
      drivers.push(control);
      const identity = await control.identify();
      this.serial = identity.serial;
      this.onIdentified(identity.serial);
      const admission = admitRecorder(this.deps.ledger, identity, this.device);
      if (!admission.ok) return this.hold(identity, admission.reason);
      return await this.dock(control, identity, drivers);
    } catch (err) {
      gone = isGone(err);
      return this.abandon(err, gone);
    } finally {
      for (const d of drivers.reverse()) await d.release({ deviceGone: gone }).catch(() => {});
      this.mark('released');
    }
  }

  private async dock(
    control: RecorderDriver,
    identity: RecorderIdentity,
    drivers: RecorderDriver[],
  ): Promise<DockResult> {
    const { ledger } = this.deps;
    const caps = control.capabilities;
    const clock = caps.readClock ? await control.readClock() : null;
    const batteryPct = caps.battery ? await control.battery() : null;
    const storage = caps.storage && !caps.needsMassStorageSwitch ? await control.storage() : null;
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
    if (caps.writeIdentity) await this.writeBinding(control, identity);
    let files = control;
    if (caps.needsMassStorageSwitch) {
      if (caps.setClock) await this.syncClock(control); // the control face is gone after the switch
      files = await this.switchToMassStorage(control);
      drivers.push(files);
    }
    this.mark('mounted');
    const outcome = await this.ingestFiles(files, identity.serial, clock?.skewMs ?? null);
    if (caps.setClock && !caps.needsMassStorageSwitch) await this.syncClock(control);
    const endStorage = files.capabilities.storage ? await files.storage() : storage;
    this.mark('storage-read', endStorage ? `${endStorage.freeBytes} bytes free` : 'unknown');
    this.checkReadiness(identity.serial, batteryPct, endStorage?.freeBytes ?? null);
    ledger.finishSession(session.id, {
      outcome: outcome.outcome,
      batteryPct,
      freeBytes: endStorage?.freeBytes ?? null,
    });
    this.mark('finished', outcome.outcome);
    return {
      ...outcome,
      serial: identity.serial,
      sessionId: session.id,
      officerNo,
      batteryPct,
      freeBytes: endStorage?.freeBytes ?? null,
    };
  }

  private async switchToMassStorage(control: RecorderDriver): Promise<RecorderDriver> {
    const claim = this.deps.watcher.claimNextDisk(this.device, this.deps.massStorageTimeoutMs);
    claim.catch(() => {}); // observed below
    await control.enterMassStorage();
    const disk = await claim;
    this.mark('mass-storage', disk.key);
    return this.deps.factory.open(disk);
  }

  private async ingestFiles(
    files: RecorderDriver,
    serial: string,
    skewMs: number | null,
  ): Promise<IngestSummary> {
    const listing = await files.listFiles();
    const entries = [...listing.files].sort(
      (a, b) => a.mtimeMs - b.mtimeMs || a.relPath.localeCompare(b.relPath),
    );
    this.mark(
      'listed',
      `${entries.length} files, ${listing.skipped.length} entries skipped${listing.truncated ? ', listing truncated' : ''}`,
    );
    if (listing.skipped.some((s) => s.reason !== 'not-footage' && s.reason !== 'system-folder'))
      this.alertUnsafe(serial, listing.skipped.length);
    const todo: { entry: FootageEntry; request: IngestRequest }[] = [];
    let skipped = 0;
    for (const entry of entries) {
      const sealed = this.deps.ledger.sessionRecords.sealedFile(serial, entry.relPath, entry.size);
      if (sealed) {
        skipped++;
        if (this.sealer.mayWipe(sealed)) await this.sealer.wipe(files, entry, sealed);
        continue;
      }
      const source = await files.openFile(entry.relPath);
      todo.push({
        entry,
        request: { source, resumeKey: `${serial}:${entry.relPath}:${entry.size}:${entry.mtimeMs}` },
      });
    }
    this.filesTotal = entries.length;
    this.filesDone = skipped;
    this.mark('ingesting', `${todo.length} to copy`);
    const ctx = { serial, sessionId: this.sessionId as string, clockSkewMs: skewMs };
    const byRequest = new Map(todo.map((t) => [t.request, t.entry]));
    const settled = await this.deps.ingester.ingestAll(
      todo.map((t) => t.request),
      { onSettled: (s) => this.onSettled(s, byRequest.get(s.request) as FootageEntry, files, ctx) },
    );
    return summarise(settled, skipped);
  }

  private async onSettled(
    s: IngestSettled,
    entry: FootageEntry,
    files: RecorderDriver,
    ctx: { serial: string; sessionId: string; clockSkewMs: number | null },
  ): Promise<void> {
    if (!s.ok) {
      this.log.warn({ relPath: entry.relPath, code: (s.error as DockError).code }, 'file not sealed');
      return;
    }
    const utcOffset = this.deps.rules.deviceUtcOffsetMinutes;
    const times = await readRecordingTimes(s.result.vaultPath, entry.relPath, entry.mtimeMs, utcOffset);
    const clip = this.sealer.seal(ctx, entry, times, s.result);
    this.filesDone++;
    if (this.sealer.mayWipe(clip)) await this.sealer.wipe(files, entry, clip);
  }

  private async syncClock(driver: RecorderDriver): Promise<void> {
    const result = await driver.syncClock();
    this.mark('clock-synced', result.readBack ? `skew now ${result.readBack.skewMs} ms` : result.method);
  }

  /**
   * The equipment manager bound this recorder to another officer: write that officer into the
   * device (before any switch to mass storage, while the control face is there). A write the
   * device refuses is recorded as a step and does not stop the docking.
   */
  private async writeBinding(control: RecorderDriver, identity: RecorderIdentity): Promise<void> {
    const binding = this.deps.ledger.accessQueries.binding(identity.serial);
    if (!binding?.officerNo || binding.officerNo === identity.officerNo) return;
    const officer = this.deps.ledger.find.officer(binding.officerNo);
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
      if (isGone(err)) throw err;
      this.log.warn({ err: (err as Error).message, officerNo: officer.officerNo }, 'officer not written');
      this.mark('officer-write-failed', (err as Error).message);
    }
  }

  private registerOfficer(identity: RecorderIdentity): string | null {
    if (!identity.officerNo) return null;
    const known = this.deps.ledger.find.officer(identity.officerNo);
    if (!known) {
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
    const low: string[] = [];
    if (batteryPct !== null && batteryPct < minBatteryPct) low.push(`battery ${batteryPct}%`);
    if (freeBytes !== null && freeBytes < minFreeBytes)
      low.push(`${Math.floor(freeBytes / 1024 ** 2)} MiB free`);
    if (low.length === 0) return;
    this.deps.ledger.openAlert({
      kind: 'recorder-not-ready',
      severity: 'warning',
      subject: `recorder:${serial}`,
      detail: `recorder ${serial} is not ready for the next shift: ${low.join(', ')} (R7)`,
    });
  }

  private alertUnsafe(serial: string, count: number): void {
    this.deps.ledger.openAlert({
      kind: 'unsafe-entries',
      severity: 'warning',
      subject: `recorder:${serial}`,
      detail: `recorder ${serial} holds ${count} entries the dock would not read (links, device files, unsafe names); check the recorder`,
    });
  }

  /** The box refuses the service this recorder's device: the manager must have it fixed (R8). */
  private alertPermission(err: Error): void {
    this.deps.ledger.openAlert({
      kind: 'device-permission',
      severity: 'critical',
      subject: `device:${this.device.key}`,
      detail: err.message,
    });
  }

  private hold(identity: RecorderIdentity, reason: string): DockResult {
    this.mark('held', reason);
    this.log.warn({ serial: identity.serial }, 'recorder held for the equipment manager');
    return {
      serial: identity.serial,
      sessionId: null,
      outcome: 'held',
      officerNo: identity.officerNo,
      sealed: 0,
      skipped: 0,
      failed: 0,
      batteryPct: null,
      freeBytes: null,
    };
  }

  private abandon(err: unknown, gone: boolean): DockResult {
    const outcome: SessionOutcome = gone ? 'interrupted' : 'failed';
    if ((err as DockError).code === 'DEVICE_PERMISSION') this.alertPermission(err as Error);
    this.log.warn(
      { serial: this.serial, step: this.step, code: (err as DockError).code, err: (err as Error).message },
      'dock session ended early',
    );
    if (this.sessionId && !this.deps.ledger.find.session(this.sessionId)?.finishedAt) {
      this.mark('ended-early', `${this.step}: ${(err as Error).message}`);
      this.deps.ledger.finishSession(this.sessionId, { outcome });
    }
    return {
      serial: this.serial,
      sessionId: this.sessionId,
      outcome,
      officerNo: null,
      sealed: this.filesDone,
      skipped: 0,
      failed: 0,
      batteryPct: null,
      freeBytes: null,
    };
  }

  private mark(step: string, detail: string | null = null): void {
    this.step = step;
    if (this.sessionId) this.deps.ledger.sessionRecords.step(this.sessionId, step, detail);
    this.log.info({ serial: this.serial, step, detail }, 'dock step');
  }
}

interface IngestSummary {
  readonly outcome: SessionOutcome;
  readonly sealed: number;
  readonly skipped: number;
  readonly failed: number;
}

function summarise(settled: readonly IngestSettled[], skipped: number): IngestSummary {
  const sealed = settled.filter((s) => s.ok).length;
  const failed = settled.length - sealed;
  const gone = settled.some((s) => !s.ok && isGone(s.error));
  const outcome: SessionOutcome = failed === 0 ? 'complete' : gone ? 'interrupted' : 'partial';
  if (gone) throw new DeviceGoneDuringIngest(outcome, sealed);
  return { outcome, sealed, skipped, failed };
}

/** The recorder went away while files were copying; the session ends interrupted. */
class DeviceGoneDuringIngest extends DockError {
  constructor(
    readonly outcome: SessionOutcome,
    readonly sealed: number,
  ) {
    super(
      'DEVICE_GONE',
      `the recorder was pulled out after ${sealed} files were sealed; dock it again to resume`,
    );
  }
}

/** The recorder went away, or the dock is stopping: the session is interrupted, not failed. */
function isGone(err: unknown): boolean {
  if (err instanceof SourceGoneError || err instanceof DeviceGoneDuringIngest) return true;
  const code = (err as { code?: unknown }).code;
  return (
    code === 'DEVICE_GONE' ||
    code === 'POOL_CLOSED' ||
    code === 'EIO' ||
    code === 'ENODEV' ||
    code === 'ENXIO'
  );
}
