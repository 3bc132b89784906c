/**
 * The ports the agent core uses to reach recorders and the OS: the contract floor between the
 * dock and its hardware. It imports nothing from agent/ or from any driver implementation; real
 * implementations and their simulated twins depend on it, and agent/main.ts is the one place that
 * picks which to use (as node-serialport's bindings-interface does for its bindings).
 */
import type { Readable, Writable } from 'node:stream';
import type { SourceSpec } from './source.ts';

/** The injected clock. */
export type Now = () => Date;

// ---------------------------------------------------------------- process spawner

/** The slice of a child process that drivers use. `child_process.spawn`'s result satisfies it. */
export interface ChildProcessLike {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly stdin: Writable | null;
  kill(signal?: NodeJS.Signals | number): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

/** Options drivers pass when spawning. */
export interface SpawnOptionsLike {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stdio?: ['ignore' | 'pipe', 'pipe', 'pipe'];
}

/** The process spawner (STYLE habit 2): pass `child_process.spawn`, or a fake that records argv. */
export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: SpawnOptionsLike,
) => ChildProcessLike;

// ---------------------------------------------------------------- detection

/** Which driver serves a recorder model (see drivers/fingerprints.json). */
export type DriverName = 'mass-storage' | 'ga-sdk' | 'serial';

/** How the device showed up: a disk (or partition) with a file system, a tty, a bare USB device. */
export type Transport = 'block' | 'tty' | 'usb';

/** USB identity as the bus reports it. Strings come from the device: hostile, bounded, may be absent. */
export interface UsbIdentity {
  /** Four lowercase hex digits. */
  readonly vendorId: string;
  /** Four lowercase hex digits. */
  readonly productId: string;
  readonly manufacturer: string | null;
  readonly product: string | null;
  readonly serial: string | null;
}

/** What the fingerprint table says about a device. */
export interface FingerprintMatch {
  /** The table entry's id. */
  readonly entryId: string;
  readonly vendor: string;
  readonly model: string;
  readonly driver: DriverName;
  /** True when the entry is one of the shipped examples rather than a verified model. */
  readonly example: boolean;
}

/** What a raw udev or usb@3 event says about a device, before fingerprint matching. */
export interface DeviceDescription {
  /**
   * Stable for as long as the device stays plugged, and the same each time the same device
   * shows up on the same interface: `transport:vid:pid:serial-or-port[:part]`.
   */
  readonly key: string;
  readonly transport: Transport;
  /** `/dev/sdb1`, `/dev/ttyACM0`; null for a bare USB device. */
  readonly devNode: string | null;
  readonly usb: UsbIdentity;
  /** Kernel-style USB port path (`1-2.3`), the physical socket; null when unknown. */
  readonly portPath: string | null;
  /** For block devices: file system type, label and UUID from udev's blkid probe. */
  readonly fsType: string | null;
  readonly fsLabel: string | null;
  readonly fsUuid: string | null;
}

/** A recorder (or one of its re-enumerated faces) present on the machine. */
export interface DetectedDevice extends DeviceDescription {
  readonly match: FingerprintMatch | null;
  /** Set on a disk that appeared because this recorder key asked for mass storage. */
  readonly claimedBy: string | null;
}

/** One detection source (udev, usb@3) and how it is doing. */
export interface SourceStatus {
  readonly source: string;
  readonly state: 'starting' | 'ok' | 'no-usb-bus' | 'unavailable' | 'stopped';
  /** One sentence for a person when the state is not ok. */
  readonly detail: string | null;
  /** What the source learnt about the USB bus, when it looked. */
  readonly usbBus?: 'present' | 'absent';
}

/** Status of the device watcher as a whole. */
export interface WatcherStatus {
  /** 'absent' means this machine has no USB bus at all (/sys/bus/usb missing). */
  readonly usbBus: 'present' | 'absent' | 'unknown';
  readonly sources: readonly SourceStatus[];
  /** Devices seen that no fingerprint matched (ignored). */
  readonly ignoredDevices: number;
}

/** What the watcher reports. */
export type DeviceEvent =
  | { readonly type: 'arrival'; readonly device: DetectedDevice }
  | { readonly type: 'departure'; readonly device: DetectedDevice }
  | { readonly type: 'status'; readonly status: WatcherStatus }
  /**
   * A disk with a file system that no fingerprint matched (a generic USB stick, a card reader, a
   * recorder model the table does not know). Reported once per key and never ingested: the
   * equipment manager decides.
   */
  | { readonly type: 'unrecognised'; readonly device: DetectedDevice };

/** The device watcher port: arrival and departure of recorders, and its own health. */
export interface DeviceWatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribe; returns the unsubscribe function. */
  onEvent(listener: (event: DeviceEvent) => void): () => void;
  status(): WatcherStatus;
  /** Recorders currently present. */
  devices(): readonly DetectedDevice[];
  /**
   * Resolve with the disk this recorder re-enumerates as after it is told to switch to mass
   * storage. Call before `enterMassStorage()`. Rejects with DeviceGoneError on timeout.
   */
  claimNextDisk(parent: DetectedDevice, timeoutMs: number): Promise<DetectedDevice>;
}

// ---------------------------------------------------------------- the recorder

/** Who the recorder belongs to. Officer and unit fields are null where the interface cannot tell. */
export interface RecorderIdentity {
  readonly serial: string;
  readonly officerNo: string | null;
  readonly officerName: string | null;
  readonly unitNo: string | null;
  readonly unitName: string | null;
  readonly model: string;
  readonly vendor: string;
}

/** The device clock against the host clock at the moment of reading. */
export interface ClockReading {
  readonly deviceTime: Date;
  readonly hostTime: Date;
  /** deviceTime − hostTime in ms: positive when the recorder runs ahead. */
  readonly skewMs: number;
}

/** What a clock set did. */
export interface ClockSyncResult {
  /** The host time the device was set to. */
  readonly setTo: Date;
  /** How it was set: an explicit time, or the SDK's own sync to the host clock. */
  readonly method: 'set-time' | 'sdk-sync';
  /** Read back after setting, where the interface can read the clock. */
  readonly readBack: ClockReading | null;
}

/** Free and total storage on the recorder's card. */
export interface StorageReading {
  readonly freeBytes: number;
  readonly totalBytes: number | null;
}

/** The footage kinds the walk recognises. */
export type FootageKind = 'video' | 'photo' | 'audio';

/** One footage file on the recorder's volume. */
export interface FootageEntry {
  /** Relative to the volume root, '/'-separated, validated. */
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly kind: FootageKind;
}

/** Why the walk left an entry alone. */
export type SkipReason =
  | 'symlink'
  | 'device-node'
  | 'fifo'
  | 'socket'
  | 'unknown-type'
  | 'unsafe-name'
  | 'bad-encoding'
  | 'name-too-long'
  | 'path-too-long'
  | 'too-deep'
  | 'entry-limit'
  | 'not-footage'
  | 'system-folder'
  | 'unreadable';

/** An entry the walk did not list, and why. */
export interface SkippedEntry {
  /** Relative path as far as it could be shown safely (control characters escaped). */
  readonly relPath: string;
  readonly reason: SkipReason;
}

/** The result of a safe walk. */
export interface FootageListing {
  readonly files: readonly FootageEntry[];
  readonly skipped: readonly SkippedEntry[];
  /** True when a limit stopped the walk before it saw everything. */
  readonly truncated: boolean;
}

/** Who a recorder is handed to, as written into the device (GBK text on the wire). */
export interface RecorderAssignment {
  readonly serial: string;
  readonly officerNo: string;
  readonly officerName: string;
  readonly unitNo: string;
  readonly unitName: string;
}

/**
 * A recorder's control face: who it is, its clock, battery and officer binding, and (for SDK and
 * serial recorders) the switch to mass storage. Optional methods are the ones this kind of
 * recorder lacks: the session asks for a method's presence, never calls a stub.
 */
export interface RecorderControl {
  readonly driver: DriverName;
  readonly device: DetectedDevice;
  /** Who the recorder is. Never touches the recorder's files (admission comes before any mount). */
  identify(): Promise<RecorderIdentity>;
  /** The device clock (serial recorders; the GA set has no call for it). */
  readClock?(): Promise<ClockReading>;
  /** Set the device clock to the host clock (injected `now`). */
  syncClock?(): Promise<ClockSyncResult>;
  /** Write the officer and unit into the recorder and read them back. */
  assignOfficer?(assignment: RecorderAssignment): Promise<void>;
  /** Battery charge in percent, or null when the device does not say. */
  battery?(): Promise<number | null>;
  /** Free and total storage as the control face reports it. */
  storage?(): Promise<StorageReading | null>;
  /**
   * Present when the footage is reached only on the disk the recorder becomes after this call
   * (SetMSDC / MSDC); pair it with DeviceWatcher.claimNextDisk. Absent: the footage is on this
   * same device (a plain USB disk) and is opened with RecorderDriverFactory.openVolume.
   */
  enterMassStorage?(): Promise<void>;
  /** Let go of the device: close ports. `deviceGone` when it was already unplugged. */
  release(options?: { readonly deviceGone?: boolean }): Promise<void>;
}

/** What the session must still find on the recorder file before it deletes it. */
export interface FileExpectation {
  readonly size: number;
  readonly mtimeMs: number;
}

/** A recorder's volume face: its card mounted read-only, the footage on it, one-file deletes. */
export interface RecorderVolume {
  readonly device: DetectedDevice;
  /** Free and total storage of the card. */
  storage(): Promise<StorageReading>;
  listFiles(): Promise<FootageListing>;
  /** How to read one listed file: plain data for the ingest workers. */
  openFile(relPath: string): Promise<SourceSpec>;
  /**
   * Delete one file from the recorder (the wipe after a verified seal). Refuses when the file no
   * longer has the size and mtime the seal saw.
   */
  deleteFile(relPath: string, expect: FileExpectation): Promise<void>;
  /** Unmount. `deviceGone` when it was already unplugged. */
  release(options?: { readonly deviceGone?: boolean }): Promise<void>;
}

/** Builds the faces of a detected device with the driver its fingerprint names. */
export interface RecorderDriverFactory {
  /** The control face: identity, clock, battery, binding; never mounts anything. */
  openControl(device: DetectedDevice): Promise<RecorderControl>;
  /** The volume face of a disk (a plain recorder, or the disk a recorder switched to): mounts it. */
  openVolume(device: DetectedDevice): Promise<RecorderVolume>;
}

// ---------------------------------------------------------------- volumes

/** A recorder volume mounted read-only. */
export interface MountedVolume {
  readonly devNode: string;
  readonly mountPoint: string;
  readonly fsType: string;
  /** The options the kernel reports for the mount. */
  readonly options: readonly string[];
  readonly nosymfollow: boolean;
}

/** The volume mounter port. */
export interface VolumeMounter {
  /** Mark the device (and its partitions) read-only and mount it `ro,nosuid,nodev,noexec`. */
  mount(request: {
    readonly devNode: string;
    readonly fsType: string;
    readonly name: string;
  }): Promise<MountedVolume>;
  /** Unmount; lazily when the device is gone or the mount is busy. Idempotent. */
  unmount(volume: MountedVolume, options?: { readonly deviceGone?: boolean }): Promise<void>;
  /**
   * Delete one file of the mounted volume, refused (UnsafeEntryError, FileChangedError: each
   * naming the file) unless it is a regular file reached without links whose size and mtime are
   * still `expect`. The mounter makes the volume writable for that unlink only, where it mounted
   * it; the caller's copy of the mount stays read-only.
   */
  deleteFile(volume: MountedVolume, relPath: string, expect: FileExpectation): Promise<void>;
}
