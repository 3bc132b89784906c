import type { Logger } from 'pino';
import { DockError } from '../errors.ts';
import { type Libc, type LibcFunction, openLibc } from '../os/libc.ts';

/** Exit code when the unit expects notifications that cannot be sent (EX_CONFIG, like bad config). */
export const NOTIFY_UNAVAILABLE_EXIT_CODE = 78;

/**
 * The unit expects sd_notify messages (Type=notify, WatchdogSec=) that this process cannot
 * send. Exiting with 78 (RestartPreventExitStatus) beats being killed by systemd in a loop.
 */
export class NotifyUnavailableError extends DockError {
  readonly exitCode = NOTIFY_UNAVAILABLE_EXIT_CODE;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'NOTIFY_UNAVAILABLE',
      `systemd notification cannot work here (${detail}): run dockd from the recorder-dock unit as shipped, or without NOTIFY_SOCKET and WATCHDOG_USEC by hand`,
      options,
    );
  }
}

/** Sends one datagram to a unix socket address; returns 0, or a negative errno on failure. */
export type DatagramSend = (address: string, message: string) => number;

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_MAX = 108;

/**
 * `struct sockaddr_un` for NOTIFY_SOCKET: a file path, or `@name` in the abstract namespace.
 * Returns null for forms this sender does not speak (vsock).
 */
export function sockaddrUn(address: string): Buffer | null {
  const abstract = address.startsWith('@');
  if (!abstract && !address.startsWith('/')) return null;
  const name = Buffer.from(abstract ? address.slice(1) : address, 'utf8');
  const pathLen = abstract ? 1 + name.length : name.length + 1;
  if (pathLen > SUN_PATH_MAX) return null;
  const addr = Buffer.alloc(2 + pathLen);
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, abstract ? 3 : 2);
  return addr;
}

/**
 * Unix datagrams through libc (koffi): Node has no AF_UNIX datagram sockets. One socket is
 * opened on first use and kept; each message is one `sendto`, as sd_notify(3) does.
 */
export function libcDatagramSender(): DatagramSend {
  let libc: Libc;
  let fns: { socket: LibcFunction; sendto: LibcFunction };
  try {
    libc = openLibc();
    fns = {
      socket: libc.func('int socket(int domain, int type, int protocol)'),
      sendto: libc.func(
        'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)',
      ),
    };
  } catch (err) {
    throw new NotifyUnavailableError('libc could not be loaded through koffi', { cause: err });
  }
  let fd = -1;
  return (address, message) => {
    const addr = sockaddrUn(address);
    if (!addr) return -22; // EINVAL
    if (fd < 0) {
      fd = fns.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
      if (fd < 0) return -libc.errno();
    }
    const data = Buffer.from(message, 'utf8');
    const sent = Number(fns.sendto(fd, data, data.length, MSG_NOSIGNAL, addr, addr.length));
    return sent < 0 ? -libc.errno() : 0;
  };
}

/** The environment systemd gives a Type=notify service. */
export interface NotifyEnvironment {
  NOTIFY_SOCKET?: string | undefined;
  WATCHDOG_USEC?: string | undefined;
  WATCHDOG_PID?: string | undefined;
}

/** How to build a notifier. */
export interface SdNotifierOptions {
  /** Read (and, by default, cleared so children do not inherit it): usually `process.env`. */
  readonly env: NotifyEnvironment;
  readonly pid: number;
  readonly log: Logger;
  /** The datagram transport; default libc through koffi. */
  readonly sender?: () => DatagramSend;
  /** Remove the notify variables from `env` (as sd_notify's unset_environment). Default true. */
  readonly unsetEnvironment?: boolean;
}

function watchdogUsecFor(env: NotifyEnvironment, pid: number): number | null {
  if (env.WATCHDOG_USEC === undefined) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0)
    throw new NotifyUnavailableError(
      `WATCHDOG_USEC is ${JSON.stringify(env.WATCHDOG_USEC)}, not a number of microseconds`,
    );
  return usec;
}

/**
 * sd_notify(3) for the daemon: READY, STATUS, STOPPING, WATCHDOG pings, EXTEND_TIMEOUT. Without
 * NOTIFY_SOCKET (run by hand) every call is a no-op. `create` checks up front that notification
 * works whenever the unit expects it, and throws NotifyUnavailableError (exit 78) when it cannot.
 */
export class SdNotifier {
  private constructor(
    private readonly address: string | null,
    private readonly send: DatagramSend | null,
    /** The unit's WatchdogSec in microseconds, when the watchdog is for this process. */
    readonly watchdogUsec: number | null,
    private readonly log: Logger,
  ) {}

  /** Read the environment, check notification works, and say "starting". */
  static create(options: SdNotifierOptions): SdNotifier {
    const { env, pid, log } = options;
    const address = env.NOTIFY_SOCKET && env.NOTIFY_SOCKET !== '' ? env.NOTIFY_SOCKET : null;
    const watchdogUsec = watchdogUsecFor(env, pid);
    if (options.unsetEnvironment !== false) {
      delete env.NOTIFY_SOCKET;
      delete env.WATCHDOG_USEC;
      delete env.WATCHDOG_PID;
    }
    if (address === null) {
      if (watchdogUsec !== null)
        throw new NotifyUnavailableError('the unit sets WatchdogSec= but NOTIFY_SOCKET is not set');
      return new SdNotifier(null, null, null, log);
    }
    if (!sockaddrUn(address))
      throw new NotifyUnavailableError(`NOTIFY_SOCKET ${address} is not a unix socket path`);
    const send = (options.sender ?? libcDatagramSender)();
    const res = send(address, 'STATUS=starting');
    if (res < 0) throw new NotifyUnavailableError(`sending to ${address} failed with errno ${-res}`);
    return new SdNotifier(address, send, watchdogUsec, log);
  }

  /** True when a service manager listens. */
  get enabled(): boolean {
    return this.address !== null;
  }

  /** How often to ping: half the unit's WatchdogSec (sd_watchdog_enabled(3) advice); null when off. */
  get watchdogIntervalMs(): number | null {
    return this.watchdogUsec === null ? null : Math.max(1, Math.floor(this.watchdogUsec / 2000));
  }

  /** Send `KEY=value` lines; false (logged) when the message did not go out. */
  notify(fields: Readonly<Record<string, string | number>>): boolean {
    if (!this.address || !this.send) return false;
    const text = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`)
      .join('\n');
    const res = this.send(this.address, text);
    if (res < 0) this.log.warn({ errno: -res, fields: Object.keys(fields) }, 'systemd notification not sent');
    return res >= 0;
  }

  /** Startup is complete: the ledger is open and the watchers run. */
  ready(status = 'ready'): boolean {
    return this.notify({ READY: 1, STATUS: status });
  }

  /** Free-form status shown by `systemctl status`. */
  status(text: string): boolean {
    return this.notify({ STATUS: text });
  }

  /** Shutdown has begun. */
  stopping(status = 'stopping'): boolean {
    return this.notify({ STOPPING: 1, STATUS: status });
  }

  /** Keep-alive for WatchdogSec=; send only when the process is healthy (see Watchdog). */
  watchdog(): boolean {
    return this.notify({ WATCHDOG: 1 });
  }

  /** Ask for more time to start or stop (ledger migration, long unmounts). */
  extendTimeout(ms: number): boolean {
    return this.notify({ EXTEND_TIMEOUT_USEC: Math.ceil(ms * 1000) });
  }
}
