import type { Logger } from 'pino';
import type { ListenAddress } from '../config/dock-config.ts';
import { HealthServer, type Readiness } from './health-server.ts';
import { type DatagramSend, type NotifyEnvironment, SdNotifier } from './sd-notify.ts';
import { Watchdog, type WatchdogCheck } from './watchdog.ts';
import { eventLoopCheck } from './watchdog-checks.ts';

/** What the daemon hands the service plumbing. */
export interface ServiceOpsOptions {
  readonly env: NotifyEnvironment;
  readonly pid: number;
  readonly log: Logger;
  readonly version: string;
  /** Where /healthz and /readyz listen (config `health.listen`); null for none. */
  readonly health: ListenAddress | null;
  readonly readiness: () => Readiness | Promise<Readiness>;
  /** Internal checks behind each watchdog ping; an event-loop check is always added. */
  readonly checks: readonly WatchdogCheck[];
  /** Datagram transport for tests; default libc through koffi. */
  readonly sender?: () => DatagramSend;
}

/**
 * The daemon's contact with systemd and monitoring, in one place: sd_notify (checked at start;
 * throws NotifyUnavailableError, exit 78, when the unit expects notifications that cannot work),
 * the health endpoints, and the watchdog, which starts pinging once the daemon says it is ready.
 */
export class ServiceOps {
  private watchdog: Watchdog | null = null;
  private readonly loop = eventLoopCheck();

  private constructor(
    private readonly opts: ServiceOpsOptions,
    readonly notifier: SdNotifier,
    private readonly health: HealthServer | null,
  ) {}

  /** Check notification, start the health endpoints. Call first thing in `dockd run`. */
  static async start(opts: ServiceOpsOptions): Promise<ServiceOps> {
    const notifier = SdNotifier.create({ env: opts.env, pid: opts.pid, log: opts.log, sender: opts.sender });
    const health = opts.health
      ? new HealthServer({ ...opts.health, readiness: opts.readiness, log: opts.log, version: opts.version })
      : null;
    await health?.start();
    return new ServiceOps(opts, notifier, health);
  }

  /** READY=1 (the ledger is open and the watchers run), then watchdog pings while checks pass. */
  ready(status = 'ready: waiting for recorders'): void {
    this.notifier.ready(status);
    const interval = this.notifier.watchdogIntervalMs;
    if (interval === null || this.watchdog) return;
    this.watchdog = new Watchdog({
      pinger: this.notifier,
      intervalMs: interval,
      log: this.opts.log,
      checks: [this.loop, ...this.opts.checks],
    });
    this.watchdog.start();
  }

  /** STATUS= for `systemctl status` (for example "docking 2 recorders"). */
  status(text: string): void {
    this.notifier.status(text);
  }

  /** STOPPING=1, stop pinging, close the health endpoints. */
  async stop(): Promise<void> {
    this.notifier.stopping();
    this.watchdog?.stop();
    this.loop.close();
    await this.health?.close();
  }
}
