import { promises as fsp } from 'node:fs';
import { DockError, errnoCode } from '../errors.ts';

/**
 * A file on a recorder, opened for one read pass. Implementations: a plain file on a mounted
 * volume (`openFileSource`) and the simulator's faulty twin (drivers/sim), which fails or vanishes
 * at a chosen byte. Reads may return fewer bytes than asked; 0 means end of file.
 */
export interface SourceFile {
  /** Size in bytes when opened. */
  readonly size: number;
  /** Modification time when opened, in ms since the epoch. */
  readonly mtimeMs: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * How to open a source, as plain data: ingest runs in worker threads, and only data crosses.
 * `faulty` is the simulated recorder's failure injection (read error or disappearance at a byte).
 */
export type SourceSpec =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'faulty';
      readonly path: string;
      /** The first byte position whose read fails. */
      readonly failAtByte: number;
      /** errno code the failing read raises: EIO (yanked), ENOENT/ENODEV (gone). */
      readonly errorCode: string;
    };

/** The source vanished or failed mid-read (the recorder was pulled, or its card failed). */
export class SourceGoneError extends DockError {
  readonly position: number;
  constructor(sourcePath: string, position: number, cause: unknown) {
    super(
      'SOURCE_GONE',
      `the recorder file ${sourcePath} could not be read at byte ${position} (${errnoCode(cause) ?? 'error'}): the recorder was probably unplugged; dock it again to resume`,
      { cause },
    );
    this.position = position;
  }
}

/** The source could not be opened for lack of permission. */
export class SourcePermissionError extends DockError {
  constructor(sourcePath: string, cause: unknown) {
    super(
      'SOURCE_PERMISSION',
      `the recorder file ${sourcePath} cannot be read (permission denied): check the mount options and the service user's groups`,
      { cause },
    );
  }
}

/** The file is not there when it is opened (a listing that went stale, or a mistyped name). */
export class SourceMissingError extends DockError {
  constructor(sourcePath: string, cause: unknown) {
    super(
      'SOURCE_MISSING',
      `the file ${sourcePath} does not exist: check the name, or list the recorder again`,
      { cause },
    );
  }
}

/** Open a plain file read-only. Errors are mapped to typed errors naming the file. */
export async function openFileSource(sourcePath: string): Promise<SourceFile> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(sourcePath, 'r');
  } catch (err) {
    throw mapOpenError(sourcePath, err);
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new DockError(
      'SOURCE_NOT_FILE',
      `the recorder entry ${sourcePath} is not a regular file; it is skipped`,
    );
  }
  return {
    size: st.size,
    mtimeMs: st.mtimeMs,
    async read(buffer, offset, length, position) {
      try {
        const { bytesRead } = await handle.read(buffer, offset, length, position);
        return bytesRead;
      } catch (err) {
        throw new SourceGoneError(sourcePath, position, err);
      }
    },
    close: () => handle.close(),
  };
}

function mapOpenError(sourcePath: string, err: unknown): Error {
  const code = errnoCode(err);
  if (code === 'EACCES' || code === 'EPERM') return new SourcePermissionError(sourcePath, err);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SourceMissingError(sourcePath, err);
  return new SourceGoneError(sourcePath, 0, err);
}

/** Open a source described by `spec`. Faulty sources wrap a plain one. */
export async function openSource(spec: SourceSpec): Promise<SourceFile> {
  if (spec.kind === 'faulty' && !(Number.isSafeInteger(spec.failAtByte) && spec.failAtByte >= 0)) {
    throw new RangeError(`failAtByte must be a whole number of bytes ≥ 0, got ${spec.failAtByte}`);
  }
  const inner = await openFileSource(spec.path);
  if (spec.kind === 'file') return inner;
  return faultyWrapper(inner, spec.path, spec.failAtByte, spec.errorCode);
}

function faultyWrapper(inner: SourceFile, sourcePath: string, failAt: number, errorCode: string): SourceFile {
  return {
    size: inner.size,
    mtimeMs: inner.mtimeMs,
    async read(buffer, offset, length, position) {
      if (position >= failAt) {
        const err = Object.assign(new Error(`simulated ${errorCode}`), { code: errorCode });
        throw new SourceGoneError(sourcePath, position, err);
      }
      const allowed = Math.min(length, failAt - position);
      return inner.read(buffer, offset, allowed, position);
    },
    close: () => inner.close(),
  };
}
