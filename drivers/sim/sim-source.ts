import { appendFile, truncate } from 'node:fs/promises';
import { sourceReadFailure } from '../contract/errors.ts';
import type { SourceFile, SourceSpec } from '../contract/source.ts';
import { openFileSource } from '../mass-storage/file-source.ts';
import { linkReadMs, type SimLink, sleepOnPoolThread } from './link-pacer.ts';

/**
 * The simulated recorder's read faults, carried in a SourceSpec's `shaping` (plain data, because
 * ingest runs in worker threads): reads fail at byte `failAtByte` with `errorCode` (EIO: a bad
 * sector; ENODEV: the recorder vanished).
 */
export interface SimReadFault {
  readonly failAtByte: number;
  readonly errorCode: string;
}

/**
 * A recorder that stops answering: the read that reaches `atByte` never returns (its USB link
 * hangs, or it was pulled out in a way the kernel never reports to the reader).
 */
export interface SimStall {
  readonly atByte: number;
}

/**
 * A recorder still writing the file while it is copied: when the read reaches `atByte`, the file
 * grows by `deltaBytes` (or shrinks, when negative).
 */
export interface SimGrowth {
  readonly atByte: number;
  readonly deltaBytes: number;
}

/**
 * The spec of a simulated file, with a read fault, a growth or a link speed when one is planned.
 * A link makes every read take as long as the recorder's USB link would, holding a pool thread.
 */
export function simSourceSpec(
  path: string,
  fault: SimReadFault | null,
  growth: SimGrowth | null = null,
  link: SimLink | null = null,
  stall: SimStall | null = null,
): SourceSpec {
  const shaping: Record<string, number | string> = {};
  if (stall) shaping.stallAtByte = stall.atByte;
  if (fault) Object.assign(shaping, { failAtByte: fault.failAtByte, errorCode: fault.errorCode });
  if (growth) Object.assign(shaping, { growAtByte: growth.atByte, growBy: growth.deltaBytes });
  if (link) Object.assign(shaping, { bytesPerSecond: link.bytesPerSecond, linkJitter: link.jitter });
  return Object.keys(shaping).length > 0 ? { path, shaping } : { path };
}

/**
 * The SourceOpener of the simulator's ingest workers: a plain file, shaped by the spec's planned
 * fault, growth and link speed. Production workers never load this module (agent/main.ts picks the worker).
 */
export async function openSimSource(spec: SourceSpec): Promise<SourceFile> {
  const fault = readFault(spec);
  const growth = readGrowth(spec);
  const link = readLink(spec);
  const stallAt = readStall(spec);
  const inner = await openFileSource(spec);
  if (!fault && !growth && !link && stallAt === null) return inner;
  let grown = false;
  return {
    size: inner.size,
    mtimeMs: inner.mtimeMs,
    async read(buffer, offset, length, position) {
      if (growth && !grown && position + length > growth.atByte) {
        grown = true;
        if (growth.deltaBytes > 0) await appendFile(spec.path, Buffer.alloc(growth.deltaBytes, 0x5a));
        else await truncate(spec.path, Math.max(0, inner.size + growth.deltaBytes));
      }
      if (stallAt !== null && position + length > stallAt) return new Promise<number>(() => {});
      if (fault && position >= fault.failAtByte) {
        const err = Object.assign(new Error(`simulated ${fault.errorCode}`), { code: fault.errorCode });
        throw sourceReadFailure(spec.path, position, err);
      }
      const allowed = fault ? Math.min(length, fault.failAtByte - position) : length;
      const started = performance.now();
      const n = await inner.read(buffer, offset, allowed, position);
      if (link) await sleepOnPoolThread(linkReadMs(link, n) - (performance.now() - started));
      return n;
    },
    stat: () => inner.stat(),
    close: () => inner.close(),
  };
}

function readStall(spec: SourceSpec): number | null {
  const at = spec.shaping?.stallAtByte;
  if (at === undefined) return null;
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0)
    throw new RangeError(`stallAtByte must be a whole number of bytes ≥ 0, got ${at}`);
  return at;
}

function readGrowth(spec: SourceSpec): SimGrowth | null {
  const s = spec.shaping;
  if (!s || typeof s.growAtByte !== 'number' || typeof s.growBy !== 'number') return null;
  return { atByte: s.growAtByte, deltaBytes: s.growBy };
}

function readLink(spec: SourceSpec): SimLink | null {
  const s = spec.shaping;
  if (!s || s.bytesPerSecond === undefined) return null;
  const { bytesPerSecond, linkJitter } = s;
  if (typeof bytesPerSecond !== 'number' || !(bytesPerSecond > 0))
    throw new RangeError(`bytesPerSecond must be a number of bytes > 0, got ${bytesPerSecond}`);
  const jitter = typeof linkJitter === 'number' ? Math.min(Math.max(linkJitter, 0), 0.5) : 0;
  return { bytesPerSecond, jitter };
}

function readFault(spec: SourceSpec): SimReadFault | null {
  const s = spec.shaping;
  if (!s || s.failAtByte === undefined) return null;
  const { failAtByte, errorCode } = s;
  if (typeof failAtByte !== 'number' || !Number.isSafeInteger(failAtByte) || failAtByte < 0)
    throw new RangeError(`failAtByte must be a whole number of bytes ≥ 0, got ${failAtByte}`);
  return { failAtByte, errorCode: typeof errorCode === 'string' ? errorCode : 'EIO' };
}
