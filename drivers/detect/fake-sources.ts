import { readFile } from 'node:fs/promises';
import type { SourceStatus } from '../contract/ports.ts';
import type { DeviceEventSource, RawDeviceEvent, SourceSink } from './event-source.ts';
import { parseUdevMonitorText } from './udev-parser.ts';
import { type UsbDeviceLike, usbDeviceToRawEvent } from './usb-source.ts';

/**
 * The udev source's twin: replays `udevadm monitor --property` captures (test/fixtures/udev/)
 * through the same parser, or events pushed by the simulated recorder.
 */
export class FakeUdevSource implements DeviceEventSource {
  private sink: SourceSink | null = null;
  private readonly backlog: RawDeviceEvent[] = [];

  constructor(readonly name = 'udev') {}

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    sink.status({ source: this.name, state: 'ok', detail: null });
    for (const ev of this.backlog.splice(0)) sink.event(ev, this.name);
  }

  async stop(): Promise<void> {
    this.sink?.status({ source: this.name, state: 'stopped', detail: null });
    this.sink = null;
  }

  /** Replay captured monitor text; events before start() are held until then. */
  replayText(text: string): void {
    for (const ev of parseUdevMonitorText(text)) this.push(ev);
  }

  /** Replay a fixture file. */
  async replayFile(file: string): Promise<void> {
    this.replayText(await readFile(file, 'utf8'));
  }

  /** Deliver one event. */
  push(ev: RawDeviceEvent): void {
    if (this.sink) this.sink.event(ev, this.name);
    else this.backlog.push(ev);
  }

  /** Report a status as the real source would. */
  setStatus(status: Omit<SourceStatus, 'source'>): void {
    this.sink?.status({ ...status, source: this.name });
  }
}

/** One recorded usb@3 event, as in test/fixtures/usb/*.json. */
export interface UsbFixtureEvent {
  readonly type: 'connect' | 'disconnect';
  readonly device: UsbDeviceLike;
}

/**
 * The usb@3 source's twin: replays recorded connect/disconnect streams through the same mapping
 * the real source uses. `noBus` makes it report what the real source reports on a machine
 * without /sys/bus/usb.
 */
export class FakeUsbSource implements DeviceEventSource {
  readonly name = 'usb';
  private sink: SourceSink | null = null;

  constructor(
    private readonly options: { readonly noBus?: boolean; readonly events?: readonly UsbFixtureEvent[] } = {},
  ) {}

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    if (this.options.noBus) {
      sink.status({ source: this.name, state: 'no-usb-bus', detail: 'fake: no USB bus', usbBus: 'absent' });
      return;
    }
    sink.status({ source: this.name, state: 'ok', detail: null, usbBus: 'present' });
    for (const ev of this.options.events ?? []) this.replay(ev);
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  /** Deliver one recorded event. */
  replay(ev: UsbFixtureEvent): void {
    this.sink?.event(usbDeviceToRawEvent(ev.device, ev.type === 'connect' ? 'add' : 'remove'), this.name);
  }

  /** Load a JSON fixture (an array of UsbFixtureEvent). */
  static async fromFile(file: string): Promise<FakeUsbSource> {
    const events = JSON.parse(await readFile(file, 'utf8')) as UsbFixtureEvent[];
    return new FakeUsbSource({ events });
  }
}
