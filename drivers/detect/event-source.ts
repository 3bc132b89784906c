import type { SourceStatus } from '../contract/ports.ts';

/** One kernel/udev-level device event, whatever source produced it. */
export interface RawDeviceEvent {
  readonly action: 'add' | 'remove' | 'change' | 'bind' | 'unbind' | 'move';
  /** Kernel device path (`/devices/…`), unique while the device is present. */
  readonly devpath: string;
  readonly subsystem: string;
  readonly devtype: string | null;
  /** udev properties (`ID_VENDOR_ID`, `DEVNAME`, `ID_FS_TYPE` …). */
  readonly props: ReadonlyMap<string, string>;
}

/** Where a source sends what it sees. */
export interface SourceSink {
  event(event: RawDeviceEvent, source: string): void;
  status(status: SourceStatus): void;
}

/** A detection source (real udev, real usb@3, or their fixture-replaying twins). */
export interface DeviceEventSource {
  readonly name: string;
  start(sink: SourceSink): Promise<void>;
  stop(): Promise<void>;
}

/** The actions udev reports, for narrowing untrusted text. */
export const DEVICE_ACTIONS: ReadonlySet<string> = new Set([
  'add',
  'remove',
  'change',
  'bind',
  'unbind',
  'move',
]);
