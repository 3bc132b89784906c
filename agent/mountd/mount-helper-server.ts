import { chmod, chown, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { errnoCode } from '../../drivers/contract/errors.ts';
import type { MountedVolume, VolumeMounter } from '../../drivers/contract/ports.ts';
import {
  type HelperReply,
  type HelperRequest,
  LineReader,
  parseRequest,
} from '../../drivers/mass-storage/mount-helper-protocol.ts';
import { findMount } from '../../drivers/mass-storage/mountinfo.ts';
import { isDockError } from '../errors.ts';

/** The real mounter's surface the helper drives (LinuxVolumeMounter). */
export interface HelperMounter extends VolumeMounter {
  cleanupStale(): Promise<string[]>;
}

/** Collaborators of the helper. */
export interface MountHelperDeps {
  readonly mounter: HelperMounter;
  /** Why a device may not be mounted, or null (device-admission.ts). */
  readonly admit: (devNode: string) => Promise<string | null>;
  readonly mountDir: string;
  readonly mountinfoPath?: string;
  readonly log: Logger;
  readonly version: string;
  /** Called when no client has been connected for `idleExitMs` (socket activation: exit). */
  readonly onIdle?: () => void;
  readonly idleExitMs?: number;
}

/** Where to listen: a path (created 0660, group set), or a socket-activated descriptor. */
export type ListenTarget = { readonly path: string; readonly gid?: number } | { readonly fd: number };

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes of a delete the helper refuses because of the file itself (logged as refusals). */
const FILE_REFUSALS: ReadonlySet<string> = new Set(['FILE_CHANGED', 'UNSAFE_ENTRY']);

/** One client connection: its requests run one after another. */
interface Conversation {
  chain: Promise<void>;
}

/**
 * The privileged mount helper: answers the agent over a unix socket and drives the real mounter
 * for it, within fixed bounds. It mounts only disks the admission check accepts, only into its
 * own folder, only read-only with the mounter's fixed options; it unmounts only mounts in that
 * folder, and deletes one file of such a mount itself (the mounter's checks: reached without
 * links, unchanged since the seal). The volume is writable only inside that delete and only in
 * the helper's own mount namespace: the agent never holds a writable volume.
 */
export class MountHelperServer {
  private server: Server | null = null;
  private readonly conversations = new Set<Conversation>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: MountHelperDeps) {}

  /** Start answering. */
  async listen(target: ListenTarget): Promise<void> {
    const server = createServer((socket) => this.converse(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const done = () => {
        server.off('error', reject);
        resolve();
      };
      if ('fd' in target) server.listen({ fd: target.fd }, done);
      else rm(target.path, { force: true }).then(() => server.listen(target.path, done), reject);
    });
    if ('path' in target) {
      await chmod(target.path, 0o660);
      if (target.gid !== undefined) await chown(target.path, 0, target.gid);
    }
    this.server = server;
    this.armIdle();
  }

  /** Stop answering, after the requests already running (a delete ends read-only). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await Promise.all([...this.conversations].map((c) => c.chain));
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const { idleExitMs, onIdle } = this.deps;
    if (idleExitMs === undefined || !onIdle || this.conversations.size > 0) return;
    this.idleTimer = setTimeout(onIdle, idleExitMs);
    this.idleTimer.unref();
  }

  private converse(socket: Socket): void {
    clearTimeout(this.idleTimer);
    const conv: Conversation = { chain: Promise.resolve() };
    this.conversations.add(conv);
    const reply = (r: HelperReply) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(r)}\n`);
    };
    const reader = new LineReader((line) => {
      if (line === null) {
        socket.destroy();
        return;
      }
      conv.chain = conv.chain.then(() => this.answer(line)).then(reply);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => reader.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conv.chain.finally(() => {
        this.conversations.delete(conv);
        this.armIdle();
      });
    });
  }

  private async answer(line: string): Promise<HelperReply> {
    let request: HelperRequest;
    try {
      request = parseRequest(line);
    } catch (err) {
      return {
        ok: false,
        code: 'MOUNT_HELPER_PROTOCOL',
        message: `the mount helper refused a request (${(err as Error).message})`,
      };
    }
    try {
      return await this.handle(request);
    } catch (err) {
      if (err instanceof Refusal || (isDockError(err) && FILE_REFUSALS.has(err.code))) {
        const { code, message } = err as Refusal;
        this.deps.log.warn({ op: request.op, code, reason: message }, 'mount helper refused a request');
        return { ok: false, code, message };
      }
      this.deps.log.error({ err, op: request.op }, 'mount helper request failed');
      const code = isDockError(err) ? err.code : (errnoCode(err) ?? 'MOUNT_FAILED');
      return { ok: false, code, message: (err as Error).message };
    }
  }

  private async handle(request: HelperRequest): Promise<HelperReply> {
    switch (request.op) {
      case 'ping':
        return { ok: true, version: this.deps.version };
      case 'mount':
        return { ok: true, volume: await this.mount(request) };
      case 'unmount': {
        const volume = await this.ownMount(request.mountPoint, false);
        if (volume) await this.deps.mounter.unmount(volume, { deviceGone: request.deviceGone });
        return { ok: true };
      }
      case 'delete':
        await this.delete(request);
        return { ok: true };
      case 'cleanup':
        return { ok: true, points: await this.deps.mounter.cleanupStale() };
    }
  }

  private async mount(req: { devNode: string; fsType: string; name: string }): Promise<MountedVolume> {
    const name = req.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
    if (!SAFE_NAME.test(name))
      throw new Refusal('MOUNT_REFUSED', `the mount name ${JSON.stringify(req.name)} is not usable`);
    const refusal = await this.deps.admit(req.devNode);
    if (refusal !== null)
      throw new Refusal(
        'MOUNT_REFUSED',
        `the mount helper will not mount ${req.devNode}: ${refusal}; only recorder disks on USB are mounted`,
      );
    const volume = await this.deps.mounter.mount({ devNode: req.devNode, fsType: req.fsType, name });
    this.deps.log.info(
      { devNode: volume.devNode, mountPoint: volume.mountPoint },
      'recorder volume mounted for the agent',
    );
    return volume;
  }

  /** The volume mounted at `mountPoint` in the helper's folder; null when nothing is mounted there. */
  private async ownMount(mountPoint: string, mustBeMounted: boolean): Promise<MountedVolume | null> {
    const resolved = path.resolve(mountPoint);
    if (
      path.dirname(resolved) !== path.resolve(this.deps.mountDir) ||
      !SAFE_NAME.test(path.basename(resolved))
    )
      throw new Refusal(
        'MOUNT_REFUSED',
        `${mountPoint} is not a mount point of the mount helper's folder ${this.deps.mountDir}`,
      );
    const entry = await findMount(this.deps.mountinfoPath ?? '/proc/self/mountinfo', resolved);
    if (!entry) {
      if (mustBeMounted)
        throw new Refusal('MOUNT_NOT_FOUND', `nothing is mounted at ${resolved}: dock the recorder again`);
      return null;
    }
    return {
      devNode: entry.source,
      mountPoint: resolved,
      fsType: entry.fsType,
      options: entry.options,
      nosymfollow: entry.options.includes('nosymfollow'),
    };
  }

  private async delete(req: Extract<HelperRequest, { op: 'delete' }>): Promise<void> {
    const volume = (await this.ownMount(req.mountPoint, true)) as MountedVolume;
    await this.deps.mounter.deleteFile(volume, req.relPath, { size: req.size, mtimeMs: req.mtimeMs });
    this.deps.log.info(
      { mountPoint: volume.mountPoint, relPath: req.relPath, size: req.size },
      'recorder file deleted for the agent',
    );
  }
}
