import { connect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { DockError, errnoCode } from '../contract/errors.ts';
import type { FileExpectation, MountedVolume, VolumeMounter } from '../contract/ports.ts';
import {
  DEFAULT_HELPER_SOCKET,
  type HelperReply,
  type HelperRequest,
  LineReader,
} from './mount-helper-protocol.ts';

/** The helper answered a request with an error (its message names the device and what to do). */
export class MountHelperError extends DockError {}

/** The helper's socket cannot be reached. */
export class MountHelperUnavailableError extends DockError {
  constructor(socketPath: string, detail: string, options?: { cause?: unknown }) {
    super(
      'MOUNT_HELPER_UNAVAILABLE',
      `the mount helper at ${socketPath} cannot be reached (${detail}): run 'systemctl enable --now recorder-dock-mountd.socket', then 'dockctl doctor'`,
      options,
    );
  }
}

/** One open conversation with the helper. */
class HelperConnection {
  private readonly waiting: ((reply: HelperReply | Error) => void)[] = [];
  private closedWith: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly socketPath: string,
  ) {
    const reader = new LineReader((line) => {
      const next = this.waiting.shift();
      if (line === null)
        next?.(new MountHelperError('MOUNT_HELPER_PROTOCOL', 'the mount helper sent an over-long answer'));
      else next?.(JSON.parse(line) as HelperReply);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => reader.push(chunk));
    socket.on('close', () => this.fail(new MountHelperUnavailableError(socketPath, 'the connection closed')));
    socket.on('error', (err) =>
      this.fail(new MountHelperUnavailableError(socketPath, errnoCode(err) ?? err.message, { cause: err })),
    );
  }

  static open(socketPath: string, timeoutMs: number): Promise<HelperConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MountHelperUnavailableError(socketPath, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new HelperConnection(socket, socketPath));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new MountHelperUnavailableError(socketPath, errnoCode(err) ?? err.message, { cause: err }));
      });
    });
  }

  private fail(err: Error): void {
    this.closedWith ??= err;
    for (const w of this.waiting.splice(0)) w(err);
  }

  /** Send a request and wait for its answer; an error answer rejects with MountHelperError. */
  async ask(request: HelperRequest): Promise<HelperReply & { ok: true }> {
    if (this.closedWith) throw this.closedWith;
    const reply = await new Promise<HelperReply | Error>((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(`${JSON.stringify(request)}\n`);
    });
    if (reply instanceof Error) throw reply;
    if (!reply.ok) throw new MountHelperError(reply.code, reply.message);
    return reply;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  get path(): string {
    return this.socketPath;
  }
}

/** How to reach the helper. */
export interface PrivilegedMounterOptions {
  readonly socketPath?: string;
  readonly log: Logger;
  /** Connect timeout. Default 5000 ms (socket activation starts the helper on first use). */
  readonly connectTimeoutMs?: number;
}

/**
 * The VolumeMounter of an unprivileged agent: every mount, unmount and delete is asked of the
 * privileged helper (recorder-dock-mountd) over its unix socket, one connection per request.
 * The helper deletes a file itself, in its own mount namespace: a remount there would not make
 * the agent's private copy of the mount (PrivateMounts=) writable, and the agent never needs it to.
 */
export class PrivilegedVolumeMounter implements VolumeMounter {
  private readonly socketPath: string;

  constructor(private readonly opts: PrivilegedMounterOptions) {
    this.socketPath = opts.socketPath ?? DEFAULT_HELPER_SOCKET;
  }

  private async once(request: HelperRequest): Promise<HelperReply & { ok: true }> {
    const conn = await HelperConnection.open(this.socketPath, this.opts.connectTimeoutMs ?? 5000);
    try {
      return await conn.ask(request);
    } finally {
      conn.close();
    }
  }

  /** The helper answers (for doctor and readiness); resolves with its version. */
  async ping(): Promise<string> {
    return (await this.once({ op: 'ping' })).version ?? 'unknown';
  }

  async mount(req: { devNode: string; fsType: string; name: string }): Promise<MountedVolume> {
    const reply = await this.once({ op: 'mount', devNode: req.devNode, fsType: req.fsType, name: req.name });
    if (!reply.volume)
      throw new MountHelperError('MOUNT_HELPER_PROTOCOL', 'the mount helper did not describe the mount');
    this.opts.log.info(
      { devNode: reply.volume.devNode, mountPoint: reply.volume.mountPoint },
      'recorder volume mounted by the helper',
    );
    return reply.volume;
  }

  async unmount(volume: MountedVolume, options: { deviceGone?: boolean } = {}): Promise<void> {
    await this.once({
      op: 'unmount',
      mountPoint: volume.mountPoint,
      deviceGone: options.deviceGone === true,
    });
  }

  /** Ask the helper to delete one file; its refusal (MountHelperError) names the file and why. */
  async deleteFile(volume: MountedVolume, relPath: string, expect: FileExpectation): Promise<void> {
    await this.once({
      op: 'delete',
      mountPoint: volume.mountPoint,
      relPath,
      size: expect.size,
      mtimeMs: expect.mtimeMs,
    });
  }

  /** Unmount whatever an earlier run left in the mount folder; returns the mount points. */
  async cleanupStale(): Promise<string[]> {
    return [...((await this.once({ op: 'cleanup' })).points ?? [])];
  }
}
