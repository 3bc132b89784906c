import { spawn as nodeSpawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Now, SpawnFn } from '../contract/ports.ts';
import type { SourceSpec } from '../contract/source.ts';
import type { RawDeviceEvent } from '../detect/event-source.ts';
import { type GaSdk, loadGaLibrary } from '../ga-sdk/ga-library.ts';
import type { StatfsLike } from '../mass-storage/mass-storage-volume.ts';
import { DEFAULT_DEVICE_UTC_OFFSET_MIN } from '../serial/device-time.ts';
import type { ClipSpec } from './clip-maker.ts';
import { gaStateModel, MemoryDeviceModel, type SimDeviceModel, type SimStorage } from './device-model.ts';
import { privateGaSimLibrary } from './ga-sim-build.ts';
import { type HostileVolume, plantHostileEntries } from './hostile-volume.ts';
import type { SimBus } from './sim-bus.ts';
import {
  DEFAULT_SIM_IDENTITY,
  SIM_ID_CODE,
  SIM_PASSWORD,
  SIM_USB_IDS,
  type SimKind,
} from './sim-defaults.ts';
import { SimDeviceState, type SimIdentity } from './sim-device-state.ts';
import { diskEvent, type SimUsbFace, ttyEvent, usbDeviceEvent } from './sim-events.ts';
import { FaultPlan } from './sim-faults.ts';
import type { FirmwareFaults } from './sim-firmware.ts';
import { SimSerialPort } from './sim-serial-port.ts';
import { buildSimVolume, clipSeries, type SimClip } from './sim-volume.ts';

/** How to build a simulated recorder. Everything but `kind` and `bus` has a default. */
export interface SimRecorderOptions {
  readonly kind: SimKind;
  readonly bus: SimBus;
  /** Working directory (volume, library copy); a fresh temp dir by default, removed on close. */
  readonly dir?: string;
  readonly identity?: Partial<SimIdentity>;
  /** Files on the card; default three 2 s clips, 10 min apart, six hours ago by the device clock. */
  readonly clips?: readonly ClipSpec[];
  /** Device clock minus host clock, ms. */
  readonly clockSkewMs?: number;
  readonly battery?: number;
  readonly storage?: SimStorage | 'full';
  /** Plant hostile entries whose links point at these outside targets. */
  readonly hostile?: { readonly file: string; readonly dir: string };
  readonly firmwareFaults?: FirmwareFaults;
  readonly usb?: Partial<SimUsbFace>;
  /** Milliseconds between leaving the control face and the disk appearing. Default 30. */
  readonly reenumerateDelayMs?: number;
  readonly now?: Now;
  readonly spawn?: SpawnFn;
  readonly utcOffsetMinutes?: number;
}

const DEFAULT_STORAGE: SimStorage = { totalBytes: 32 * 2 ** 30, freeBytes: 20 * 2 ** 30 };

/**
 * One object that plays a whole recorder for tests and `make demo`: a volume of real MP4 files,
 * the serial firmware on a pty, the GA library state, plug and unplug (udev-shaped events on its
 * SimBus), re-enumeration as a disk after SetMSDC/MSDC, a skewed clock, and failure injection
 * (read error at byte N, vanishing mid-copy, a full card, a hostile volume).
 */
export class SimRecorder {
  readonly port: number;
  /** The identity it was built with (the device may be rewritten later through WriteZFYInfo). */
  readonly identity: SimIdentity;
  readonly clips: SimClip[] = [];
  hostile: HostileVolume | null = null;
  gaState: SimDeviceState | null = null;
  model: SimDeviceModel;
  private face: 'off' | 'control' | 'disk' = 'off';
  private serialPort: SimSerialPort | null = null;
  private sdk: GaSdk | null = null;
  private poll: NodeJS.Timeout | undefined;
  private switching = false;
  private readonly faults = new FaultPlan();
  private storageValue: SimStorage;
  private ownsDir = false;
  private closed = false;

  private constructor(
    private readonly opts: SimRecorderOptions,
    readonly dir: string,
  ) {
    this.port = opts.bus.attach(this);
    const s = opts.storage;
    this.storageValue = s === 'full' ? { ...DEFAULT_STORAGE, freeBytes: 0 } : (s ?? DEFAULT_STORAGE);
    // Each simulated recorder gets its own serial (A123456 on port 1, A123457 on port 2 …).
    this.identity = { ...DEFAULT_SIM_IDENTITY, serial: `A${123455 + this.port}`, ...opts.identity };
    this.model = new MemoryDeviceModel(this.identity, SIM_PASSWORD, SIM_ID_CODE);
  }

  /** Build the recorder: state, volume (ffmpeg), GA library copy (gcc) for the SDK and serial kinds. */
  static async create(opts: SimRecorderOptions): Promise<SimRecorder> {
    const dir = opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'recorder-sim-')));
    const sim = new SimRecorder(opts, dir);
    sim.ownsDir = opts.dir === undefined;
    await mkdir(sim.volumeDir, { recursive: true });
    if (opts.kind !== 'mass-storage') await sim.setUpLibrary();
    sim.model.setSkewMs(opts.clockSkewMs ?? 0);
    if (opts.battery !== undefined) sim.setBattery(opts.battery);
    const first = new Date(Math.floor(sim.deviceNow().getTime() / 1000) * 1000 - 6 * 3600_000);
    const clips = opts.clips ?? clipSeries(first, 3);
    sim.clips.push(
      ...(await buildSimVolume(sim.volumeDir, clips, { spawn: sim.spawn, utcOffsetMin: sim.utcOffset })),
    );
    if (opts.hostile) sim.hostile = await plantHostileEntries(sim.volumeDir, opts.hostile, sim.spawn);
    return sim;
  }

  private async setUpLibrary(): Promise<void> {
    const state = new SimDeviceState(await privateGaSimLibrary(this.dir, this.spawn));
    state.setIdentity(this.identity);
    state.set('password', SIM_PASSWORD);
    state.set('idCode', SIM_ID_CODE);
    state.set('present', 0);
    this.gaState = state;
    this.model = gaStateModel(state, () => this.storageValue, SIM_PASSWORD);
  }

  get kind(): SimKind {
    return this.opts.kind;
  }

  /** The card's contents. */
  get volumeDir(): string {
    return path.join(this.dir, 'volume');
  }

  /** The disk's simulated device node (what the watcher reports and the SimVolumeMounter maps). */
  get devNode(): string {
    return `/dev/simd${this.port}`;
  }

  /** The host end of the command pty while a serial recorder is plugged in its control face. */
  get ttyPath(): string | null {
    return this.serialPort?.hostPath ?? null;
  }

  /** This recorder's private copy of the simulated GA library. */
  get gaLibraryPath(): string | null {
    return this.gaState?.libraryPath ?? null;
  }

  /** The GA SDK over this recorder's library, loaded through the production koffi binding. */
  gaSdk(): GaSdk | null {
    if (!this.sdk && this.gaLibraryPath) this.sdk = loadGaLibrary(this.gaLibraryPath);
    return this.sdk;
  }

  /** The recorder's clock: host clock plus its skew. */
  deviceNow(): Date {
    return new Date(this.now().getTime() + this.model.skewMs());
  }

  /** Set the battery level. */
  setBattery(percent: number): void {
    if (this.gaState) this.gaState.set('battery', percent);
    else if (this.model instanceof MemoryDeviceModel) this.model.batteryPct = percent;
  }

  /** Dock the recorder: it shows its control face (SDK, tty) or, for plain mass storage, its disk. */
  async plug(): Promise<void> {
    if (this.face !== 'off') return;
    this.setPresent(true);
    if (this.kind === 'mass-storage') return this.showDisk();
    this.face = 'control';
    this.opts.bus.emit(usbDeviceEvent('add', this.port, this.usbFace('control')));
    if (this.kind === 'serial') {
      this.serialPort = await SimSerialPort.open(this.model, {
        now: this.now,
        utcOffsetMinutes: this.utcOffset,
        faults: this.opts.firmwareFaults,
        spawn: this.spawn,
        onMassStorage: () => void this.reenumerate(),
      });
      this.opts.bus.emit(ttyEvent('add', this.port, this.usbFace('control'), this.serialPort.hostPath));
    } else {
      this.poll = setInterval(() => {
        if (this.face === 'control' && this.model.inMassStorage()) void this.reenumerate();
      }, 20);
      this.poll.unref();
    }
  }

  /** Pull the recorder out: every face departs, the pty hangs up. */
  async unplug(): Promise<void> {
    this.setPresent(false);
    if (this.face === 'off') return;
    await this.leaveFace();
    this.face = 'off';
  }

  /** Reads of `relPath` fail at byte `atByte` with `errorCode` (EIO: a failing card). */
  injectReadError(relPath: string, atByte: number, errorCode = 'EIO'): void {
    this.faults.readError(relPath, atByte, errorCode);
  }

  /** The recorder disappears while `relPath` is read: reads fail at `atByte`, and it unplugs. */
  injectVanish(relPath: string, atByte: number): void {
    this.faults.vanish(relPath, atByte);
  }

  /** The recorder stops answering while `relPath` is read: the read reaching `atByte` never returns. */
  injectStall(relPath: string, atByte: number): void {
    this.faults.stall(relPath, atByte);
  }

  /**
   * Reads go at the speed of a USB link: `bytesPerSecond` (USB 2.0 gives about 35–40 MB/s,
   * USB 3 100–400 MB/s), each read varied by ± `jitter`; null makes the link as fast as the disk.
   */
  setLinkSpeed(bytesPerSecond: number | null, jitter = 0.05): void {
    this.faults.setLink(bytesPerSecond === null ? null : { bytesPerSecond, jitter });
  }

  /** The SourceSpec for a file (hook for MassStorageDriver.sourceFor). */
  readonly sourceFor = (absPath: string, relPath: string): SourceSpec =>
    this.faults.sourceFor(absPath, relPath, () => void this.unplug());

  /** Card capacity as statfs reports it (hook for MassStorageDriver.statfs). */
  readonly statfs = async (): Promise<StatfsLike> => ({
    bsize: 4096,
    blocks: Math.floor(this.storageValue.totalBytes / 4096),
    bavail: Math.floor(this.storageValue.freeBytes / 4096),
  });

  /** Unplug, stop everything, and remove the working directory if the simulator made it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.unplug();
    await this.hostile?.close();
    this.sdk?.close();
    this.gaState?.close();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }

  private get now(): Now {
    return this.opts.now ?? (() => new Date());
  }

  private get spawn(): SpawnFn {
    return this.opts.spawn ?? nodeSpawn;
  }

  private get utcOffset(): number {
    return this.opts.utcOffsetMinutes ?? DEFAULT_DEVICE_UTC_OFFSET_MIN;
  }

  private setPresent(present: boolean): void {
    if (this.gaState) {
      this.gaState.set('present', present ? 1 : 0);
      if (present) this.gaState.set('msdc', 0);
    } else if (this.model instanceof MemoryDeviceModel) {
      this.model.isPresent = present;
      if (present) this.model.msdc = false;
    }
  }

  private usbFace(face: 'control' | 'disk'): SimUsbFace {
    const [vendorId, productId] = SIM_USB_IDS[this.kind][face];
    return {
      vendorId,
      productId,
      manufacturer: 'Example vendor',
      product: face === 'disk' ? 'recorder disk' : 'recorder',
      serial: this.identity.serial,
      ...this.opts.usb,
    };
  }

  private diskEvents(action: 'add' | 'remove'): RawDeviceEvent[] {
    const face = this.usbFace('disk');
    const disk = {
      devName: this.devNode,
      label: 'RECORDER',
      uuid: `5${String(this.port).padStart(3, '0')}-1209`,
    };
    const events = [usbDeviceEvent(action, this.port, face), diskEvent(action, this.port, face, disk)];
    return action === 'add' ? events : events.reverse();
  }

  private showDisk(): void {
    this.face = 'disk';
    this.opts.bus.setDisk(this.devNode, this);
    for (const ev of this.diskEvents('add')) this.opts.bus.emit(ev);
  }

  private async leaveFace(): Promise<void> {
    clearInterval(this.poll);
    if (this.face === 'disk') {
      for (const ev of this.diskEvents('remove')) this.opts.bus.emit(ev);
      this.opts.bus.setDisk(this.devNode, null);
      return;
    }
    const control = this.usbFace('control');
    if (this.serialPort) {
      this.opts.bus.emit(ttyEvent('remove', this.port, control, this.serialPort.hostPath));
      await this.serialPort.close();
      this.serialPort = null;
    }
    this.opts.bus.emit(usbDeviceEvent('remove', this.port, control));
  }

  /** After SetMSDC/MSDC: the control face departs, and the disk arrives a moment later. */
  private async reenumerate(): Promise<void> {
    if (this.face !== 'control' || this.switching) return;
    this.switching = true;
    try {
      await sleep(50); // let the last answer reach the host before the port hangs up
      if (this.face !== 'control') return;
      await this.leaveFace();
      this.face = 'off';
      await sleep(this.opts.reenumerateDelayMs ?? 30);
      if (this.model.present() && this.face === 'off') this.showDisk();
    } finally {
      this.switching = false;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
