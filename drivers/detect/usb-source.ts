import type { Logger } from 'pino';
import type { DeviceEventSource, RawDeviceEvent, SourceSink } from './event-source.ts';
import { DEFAULT_SYS_BUS_USB, noUsbBusDetail, usbBusPresent } from './usb-bus.ts';

/** The fields of a usb@3 (WebUSB-style) device this source reads. */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName?: string | null;
  readonly productName?: string | null;
  readonly serialNumber?: string | null;
  /** usb@3: bus name and port chain. */
  readonly bus?: string;
  readonly ports?: readonly number[];
}

/** The slice of usb@3's WebUSB object this source uses (`usb` from the 'usb' package). */
export interface UsbApi {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
  removeEventListener(
    type: 'connect' | 'disconnect',
    listener: (ev: { device: UsbDeviceLike }) => void,
  ): void;
}

/** Load usb@3 lazily: the native module is only touched on a machine that has a USB bus. */
export async function loadUsbPackage(): Promise<UsbApi> {
  const mod = await import('usb');
  // usb@3 is CommonJS; its `usb` export is a WebUSB instance that allows all devices.
  return mod.usb as unknown as UsbApi;
}

function safeString(read: () => string | null | undefined): string | null {
  try {
    const v = read();
    return typeof v === 'string' && v.length > 0 ? v.slice(0, 126) : null;
  } catch {
    return null;
  }
}

const hex4 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');

/** Kernel-style port path (`1-2.3`) from usb@3's bus and ports, or null. */
export function usbPortPath(device: UsbDeviceLike): string | null {
  const bus = /^(\d+)/.exec(device.bus ?? '')?.[1];
  if (bus === undefined || !device.ports || device.ports.length === 0) return null;
  return `${Number(bus)}-${device.ports.join('.')}`;
}

/** Map a usb@3 device to the udev-shaped event the watcher understands. */
export function usbDeviceToRawEvent(device: UsbDeviceLike, action: 'add' | 'remove'): RawDeviceEvent {
  const port = usbPortPath(device);
  const props = new Map<string, string>([
    ['ID_VENDOR_ID', hex4(device.vendorId)],
    ['ID_MODEL_ID', hex4(device.productId)],
    ['ID_BUS', 'usb'],
  ]);
  const pairs: [string, string | null][] = [
    ['ID_VENDOR', safeString(() => device.manufacturerName)],
    ['ID_MODEL', safeString(() => device.productName)],
    ['ID_SERIAL_SHORT', safeString(() => device.serialNumber)],
  ];
  for (const [k, v] of pairs) if (v !== null) props.set(k, v);
  const devpath = `/usb@3/${port ?? `${hex4(device.vendorId)}:${hex4(device.productId)}:${props.get('ID_SERIAL_SHORT') ?? ''}`}`;
  return { action, devpath, subsystem: 'usb', devtype: 'usb_device', props };
}

/**
 * Detection through usb@3's WebUSB-style `connect`/`disconnect`. On a machine without a USB bus
 * usb@3 rejects, and its hotplug listener leaves an unhandled rejection behind (WebUSB's
 * addEventListener enumerates devices without a catch). So this source checks the bus first,
 * probes `getDevices()` under a catch, and only then attaches listeners; otherwise it reports
 * "no USB bus" and stays idle. It never throws into the process.
 */
export class UsbSource implements DeviceEventSource {
  readonly name = 'usb';
  private api: UsbApi | null = null;
  private sink: SourceSink | null = null;
  private readonly paths = new WeakMap<object, string>();
  private readonly onConnect = (ev: { device: UsbDeviceLike }) => this.forward(ev.device, 'add');
  private readonly onDisconnect = (ev: { device: UsbDeviceLike }) => this.forward(ev.device, 'remove');

  constructor(
    private readonly deps: {
      readonly log: Logger;
      readonly sysBusUsb?: string;
      readonly loadUsb?: () => Promise<UsbApi>;
    },
  ) {}

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    const sysBusUsb = this.deps.sysBusUsb ?? DEFAULT_SYS_BUS_USB;
    if (!usbBusPresent(sysBusUsb)) {
      this.noBus(noUsbBusDetail(sysBusUsb));
      return;
    }
    let api: UsbApi;
    let devices: UsbDeviceLike[];
    try {
      api = await (this.deps.loadUsb ?? loadUsbPackage)();
      devices = await api.getDevices();
    } catch (err) {
      this.deps.log.warn({ err }, 'usb enumeration failed');
      this.noBus(
        `USB enumeration failed (${err instanceof Error ? err.message : String(err)}): recorders cannot be detected over USB`,
      );
      return;
    }
    this.api = api;
    api.addEventListener('connect', this.onConnect);
    api.addEventListener('disconnect', this.onDisconnect);
    sink.status({ source: this.name, state: 'ok', detail: null, usbBus: 'present' });
    for (const d of devices) this.forward(d, 'add');
  }

  async stop(): Promise<void> {
    if (this.api) {
      this.api.removeEventListener('connect', this.onConnect);
      this.api.removeEventListener('disconnect', this.onDisconnect);
      this.api = null;
    }
    this.sink?.status({ source: this.name, state: 'stopped', detail: null });
  }

  private noBus(detail: string): void {
    this.sink?.status({ source: this.name, state: 'no-usb-bus', detail, usbBus: 'absent' });
  }

  private forward(device: UsbDeviceLike, action: 'add' | 'remove'): void {
    let ev = usbDeviceToRawEvent(device, action);
    // A departed device may no longer answer for its serial: reuse the path it arrived with.
    const known = this.paths.get(device);
    if (action === 'add') this.paths.set(device, ev.devpath);
    else if (known !== undefined) ev = { ...ev, devpath: known };
    this.sink?.event(ev, this.name);
  }
}
