import type { Logger } from 'pino';
import type { ChildProcessLike, SpawnFn } from '../contract/ports.ts';
import { ToolMissingError } from '../errors.ts';
import { runCommand } from '../process/run-command.ts';
import type { DeviceEventSource, RawDeviceEvent, SourceSink } from './event-source.ts';
import { parseUdevExportDb, UdevMonitorParser } from './udev-parser.ts';
import { DEFAULT_SYS_BUS_USB, noUsbBusDetail, usbBusPresent } from './usb-bus.ts';

/** The subsystems a recorder can show up on. */
const SUBSYSTEMS = ['usb', 'tty', 'block'];

/** The argv of the monitor, exported so tests can assert it. */
export function udevMonitorArgs(): string[] {
  return ['monitor', '--udev', '--property', ...SUBSYSTEMS.map((s) => `--subsystem-match=${s}`)];
}

/**
 * Detection from udev: `udevadm monitor --udev --property` (spawned through the injected
 * spawner) for changes, and `udevadm info --export-db` for what was already plugged. When
 * udevadm is missing or the monitor exits, the source reports it as a status and, unless told
 * otherwise, restarts the monitor after a delay.
 */
export class UdevadmSource implements DeviceEventSource {
  readonly name = 'udev';
  private child: ChildProcessLike | null = null;
  private sink: SourceSink | null = null;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      readonly spawn: SpawnFn;
      readonly log: Logger;
      /** Program name or path; default 'udevadm'. */
      readonly udevadm?: string;
      /** Delay before restarting an exited monitor; null never restarts. Default 5000 ms. */
      readonly restartDelayMs?: number | null;
      /** Enumerate devices already present at start. Default true. */
      readonly coldplug?: boolean;
      readonly sysBusUsb?: string;
    },
  ) {}

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    this.spawnMonitor();
    if (this.deps.coldplug !== false) await this.coldplug();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGTERM');
    this.child = null;
    this.sink?.status({ source: this.name, state: 'stopped', detail: null });
  }

  private get program(): string {
    return this.deps.udevadm ?? 'udevadm';
  }

  private busStatus(): 'present' | 'absent' {
    return usbBusPresent(this.deps.sysBusUsb ?? DEFAULT_SYS_BUS_USB) ? 'present' : 'absent';
  }

  private report(state: 'ok' | 'unavailable', detail: string | null): void {
    const usbBus = this.busStatus();
    const busDetail = usbBus === 'absent' ? noUsbBusDetail(this.deps.sysBusUsb ?? DEFAULT_SYS_BUS_USB) : null;
    this.sink?.status({ source: this.name, state, detail: detail ?? busDetail, usbBus });
  }

  private forward(events: RawDeviceEvent[]): void {
    for (const ev of events) if (SUBSYSTEMS.includes(ev.subsystem)) this.sink?.event(ev, this.name);
  }

  private spawnMonitor(): void {
    const parser = new UdevMonitorParser();
    const child = this.deps.spawn(this.program, udevMonitorArgs(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let reportedOk = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!reportedOk) {
        reportedOk = true;
        this.report('ok', null);
      }
      this.forward(parser.push(chunk.toString('utf8')));
    });
    child.on('error', (err) => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.onMonitorEnd(
        missing
          ? `${new ToolMissingError(this.program).message}; recorders are not detected through udev`
          : `udevadm monitor could not start (${err.message}); recorders are not detected through udev`,
      );
    });
    child.on('close', (code, signal) => {
      this.forward(parser.end());
      this.onMonitorEnd(
        `udevadm monitor exited (${signal ?? `code ${code}`}); recorders are not detected through udev until it runs again`,
      );
    });
  }

  private onMonitorEnd(detail: string): void {
    if (this.stopped || this.child === null) return;
    this.child = null;
    this.report('unavailable', detail);
    const delay = this.deps.restartDelayMs === undefined ? 5000 : this.deps.restartDelayMs;
    if (delay !== null) {
      this.restartTimer = setTimeout(() => {
        if (this.stopped) return;
        this.spawnMonitor();
        if (this.deps.coldplug !== false) void this.coldplug();
      }, delay);
      this.restartTimer.unref();
    }
  }

  private async coldplug(): Promise<void> {
    try {
      const res = await runCommand(this.deps.spawn, this.program, ['info', '--export-db'], {
        timeoutMs: 10_000,
      });
      if (res.code === 0) this.forward(parseUdevExportDb(res.stdout));
      else this.deps.log.warn({ code: res.code }, 'udevadm info --export-db failed');
    } catch (err) {
      this.deps.log.warn({ err }, 'udevadm info --export-db could not run');
    }
  }
}
