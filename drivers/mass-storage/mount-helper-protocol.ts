import type { MountedVolume } from '../contract/ports.ts';

/**
 * The protocol between the unprivileged agent and the privileged mount helper
 * (recorder-dock-mountd): one JSON object per line over a unix stream socket, one answer per
 * request. The helper only ever mounts a USB disk read-only with fixed safe options into its own
 * mount folder, unmounts what is there, and deletes one file of such a mount itself, when that
 * file is still the one the agent sealed. It never hands out a writable volume.
 */

/** The default socket (systemd socket unit recorder-dock-mountd.socket). */
export const DEFAULT_HELPER_SOCKET = '/run/recorder-dock-mountd.sock';

/** Longest request or answer line accepted, bytes. */
export const MAX_LINE_BYTES = 8192;

/** What the agent may ask. */
export type HelperRequest =
  | { readonly op: 'ping' }
  | { readonly op: 'mount'; readonly devNode: string; readonly fsType: string; readonly name: string }
  | { readonly op: 'unmount'; readonly mountPoint: string; readonly deviceGone: boolean }
  /**
   * Delete one file of a mount in the helper's folder, when it is still `size` bytes with the
   * modification time `mtimeMs` (what the seal saw); the volume is read-only again afterwards.
   */
  | {
      readonly op: 'delete';
      readonly mountPoint: string;
      readonly relPath: string;
      readonly size: number;
      readonly mtimeMs: number;
    }
  | { readonly op: 'cleanup' };

/** What the helper answers. */
export type HelperReply =
  | {
      readonly ok: true;
      readonly volume?: MountedVolume;
      readonly points?: readonly string[];
      readonly version?: string;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

const isString = (v: unknown, max = 4096): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseDelete(r: Record<string, unknown>, only: (...keys: string[]) => void): HelperRequest {
  only('mountPoint', 'relPath', 'size', 'mtimeMs');
  if (!isString(r.mountPoint) || !isString(r.relPath) || !isSize(r.size) || !isTime(r.mtimeMs))
    throw new Error('delete needs mountPoint and relPath as text, size as a whole number and mtimeMs');
  return { op: 'delete', mountPoint: r.mountPoint, relPath: r.relPath, size: r.size, mtimeMs: r.mtimeMs };
}

/**
 * A request line, checked field by field; throws with a reason on anything else. Unknown fields
 * are refused too, so a client cannot smuggle options the helper would not look at.
 */
export function parseRequest(line: string): HelperRequest {
  const doc: unknown = JSON.parse(line);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object');
  const r = doc as Record<string, unknown>;
  const only = (...keys: string[]) => {
    const extra = Object.keys(r).filter((k) => k !== 'op' && !keys.includes(k));
    if (extra.length > 0) throw new Error(`unexpected field ${extra.join(', ')}`);
  };
  switch (r.op) {
    case 'ping':
    case 'cleanup':
      only();
      return { op: r.op };
    case 'mount':
      only('devNode', 'fsType', 'name');
      if (!isString(r.devNode) || !isString(r.fsType, 16) || !isString(r.name, 256))
        throw new Error('mount needs devNode, fsType and name as text');
      return { op: 'mount', devNode: r.devNode, fsType: r.fsType, name: r.name };
    case 'unmount':
      only('mountPoint', 'deviceGone');
      if (!isString(r.mountPoint) || typeof r.deviceGone !== 'boolean')
        throw new Error('unmount needs mountPoint and deviceGone');
      return { op: 'unmount', mountPoint: r.mountPoint, deviceGone: r.deviceGone };
    case 'delete':
      return parseDelete(r, only);
    default:
      throw new Error(`unknown op ${JSON.stringify(r.op)}`);
  }
}

/**
 * Splits a byte stream into lines, refusing any line longer than MAX_LINE_BYTES (the callback
 * gets null and the caller drops the connection).
 */
export class LineReader {
  private buffered = '';

  constructor(private readonly onLine: (line: string | null) => void) {}

  push(chunk: string): void {
    this.buffered += chunk;
    let nl = this.buffered.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
      nl = this.buffered.indexOf('\n');
    }
    if (Buffer.byteLength(this.buffered) > MAX_LINE_BYTES) {
      this.buffered = '';
      this.onLine(null);
    }
  }
}
