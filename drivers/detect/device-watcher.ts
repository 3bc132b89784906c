import type { Logger } from 'pino';
import type {
  DetectedDevice,
  DeviceDescription,
  DeviceEvent,
  DeviceWatcher,
  DriverName,
  FingerprintMatch,
  SourceStatus,
  Transport,
  WatcherStatus,
} from '../contract/ports.ts';
import type { FingerprintTable } from '../fingerprint-table.ts';
import { describeRawEvent } from './device-description.ts';
import { DiskClaims } from './disk-claims.ts';
import type { DeviceEventSource, RawDeviceEvent } from './event-source.ts';

/** The transport each driver works through; a recorder is reported once, on that face. */
const DRIVER_TRANSPORT: Record<DriverName, Transport> = {
  'mass-storage': 'block',
  'ga-sdk': 'usb',
  serial: 'tty',
};

/** Unmatched disks kept so that a later claim can still pick them up. */
const MAX_UNCLAIMED = 32;

interface Present {
  readonly device: DetectedDevice;
  readonly refs: Set<string>;
}

/**
 * The device watcher: merges detection sources (udev, usb@3, or their fixture twins), matches
 * devices against the fingerprint table, ties re-enumerated disks to the recorder that asked
 * for them, and reports arrivals, departures and its own status. A source failing (no USB bus,
 * no udevadm) is a status, never an exception.
 */
export class RecorderWatcher implements DeviceWatcher {
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly present = new Map<string, Present>();
  private readonly byPath = new Map<string, string>();
  private readonly unclaimed = new Map<
    string,
    { readonly desc: DeviceDescription; readonly source: string }
  >();
  private readonly ignored = new Set<string>();
  private readonly statuses = new Map<string, SourceStatus>();
  private readonly claims = new DiskClaims();

  constructor(
    private readonly deps: {
      readonly sources: readonly DeviceEventSource[];
      readonly fingerprints: FingerprintTable;
      readonly log: Logger;
    },
  ) {
    for (const s of deps.sources)
      this.statuses.set(s.name, { source: s.name, state: 'starting', detail: null });
  }

  async start(): Promise<void> {
    const sink = {
      event: (ev: RawDeviceEvent, source: string) => this.onRaw(ev, source),
      status: (st: SourceStatus) => this.onStatus(st),
    };
    for (const source of this.deps.sources) {
      try {
        await source.start(sink);
      } catch (err) {
        this.deps.log.error({ err, source: source.name }, 'device source failed to start');
        this.onStatus({
          source: source.name,
          state: 'unavailable',
          detail: `the ${source.name} source failed to start`,
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.claims.clear();
    for (const source of this.deps.sources) await source.stop();
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): WatcherStatus {
    const sources = [...this.statuses.values()];
    const absent = sources.some((s) => s.usbBus === 'absent' || s.state === 'no-usb-bus');
    const present = sources.some((s) => s.usbBus === 'present');
    return {
      usbBus: absent ? 'absent' : present ? 'present' : 'unknown',
      sources,
      ignoredDevices: this.ignored.size,
    };
  }

  devices(): readonly DetectedDevice[] {
    return [...this.present.values()].map((p) => p.device);
  }

  claimNextDisk(parent: DetectedDevice, timeoutMs: number): Promise<DetectedDevice> {
    const entry = parent.match ? this.deps.fingerprints.entryById(parent.match.entryId) : undefined;
    const pending = this.claims.add(parent, entry?.massStorage ?? null, timeoutMs);
    for (const [key, { desc, source }] of this.unclaimed) {
      if (this.claims.take(desc)) {
        this.unclaimed.delete(key);
        this.admit(this.toDevice(desc, parent), source);
        break;
      }
    }
    return pending.then((disk) => this.present.get(disk.key)?.device ?? this.toDevice(disk, parent));
  }

  private emit(event: DeviceEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.deps.log.error({ err }, 'device event listener threw');
      }
    }
  }

  private onStatus(status: SourceStatus): void {
    this.statuses.set(status.source, status);
    if (status.state !== 'ok')
      this.deps.log.warn(
        { source: status.source, state: status.state, detail: status.detail },
        'device source status',
      );
    this.emit({ type: 'status', status: this.status() });
  }

  private onRaw(ev: RawDeviceEvent, source: string): void {
    const pathKey = `${source}|${ev.devpath}`;
    if (ev.action === 'remove') {
      this.onRemove(pathKey);
      return;
    }
    if (ev.action !== 'add' && ev.action !== 'change') return;
    const known = this.byPath.get(pathKey);
    if (known !== undefined && this.present.get(known)?.refs.has(source)) return;
    const desc = describeRawEvent(ev);
    if (desc === null) return;
    this.byPath.set(pathKey, desc.key);
    const device = this.classify(desc, source);
    if (device !== null) this.admit(device, source);
  }

  private admit(device: DetectedDevice, source: string): void {
    const entry = this.present.get(device.key);
    if (entry) {
      entry.refs.add(source);
      return;
    }
    this.present.set(device.key, { device, refs: new Set([source]) });
    this.deps.log.info(
      { key: device.key, transport: device.transport, model: device.match?.model },
      'recorder arrived',
    );
    this.emit({ type: 'arrival', device });
  }

  private onRemove(pathKey: string): void {
    const [source] = pathKey.split('|');
    const key = this.byPath.get(pathKey);
    this.byPath.delete(pathKey);
    if (key === undefined) return;
    this.unclaimed.delete(key);
    const entry = this.present.get(key);
    if (!entry || source === undefined) return;
    entry.refs.delete(source);
    if (entry.refs.size > 0) return;
    this.present.delete(key);
    this.deps.log.info({ key }, 'recorder departed');
    this.emit({ type: 'departure', device: entry.device });
  }

  /** Match a description; null when it is not a recorder face we report. */
  private classify(desc: DeviceDescription, source: string): DetectedDevice | null {
    if (desc.transport === 'block') {
      const parent = this.claims.take(desc);
      if (parent) return this.toDevice(desc, parent);
    }
    const match = this.matchFor(desc);
    if (match === null || DRIVER_TRANSPORT[match.driver] !== desc.transport) {
      if (match === null && desc.transport === 'block' && desc.fsType && !this.ignored.has(desc.key)) {
        this.emit({ type: 'unrecognised', device: { ...desc, match: null, claimedBy: null } });
      }
      if (match === null && desc.transport !== 'tty') this.ignored.add(desc.key);
      if (desc.transport === 'block') this.rememberUnclaimed(desc, source);
      return null;
    }
    return { ...desc, match, claimedBy: null };
  }

  private matchFor(desc: DeviceDescription): FingerprintMatch | null {
    const table = this.deps.fingerprints;
    const direct = table.match(desc.usb);
    if (desc.transport !== 'block' || direct?.driver === 'mass-storage') return direct;
    return table.match(desc.usb, { massStorageFace: true });
  }

  private toDevice(desc: DeviceDescription, parent: DetectedDevice): DetectedDevice {
    const own = this.deps.fingerprints.match(desc.usb, { massStorageFace: true });
    const match: FingerprintMatch | null =
      own ?? (parent.match ? { ...parent.match, driver: 'mass-storage' } : null);
    return { ...desc, match, claimedBy: parent.key };
  }

  private rememberUnclaimed(desc: DeviceDescription, source: string): void {
    this.unclaimed.set(desc.key, { desc, source });
    if (this.unclaimed.size > MAX_UNCLAIMED) {
      const oldest = this.unclaimed.keys().next().value;
      if (oldest !== undefined) this.unclaimed.delete(oldest);
    }
  }
}
