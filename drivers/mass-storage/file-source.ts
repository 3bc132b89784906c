import { promises as fsp } from 'node:fs';
import {
  DockError,
  errnoCode,
  SourceMissingError,
  SourcePermissionError,
  sourceReadFailure,
} from '../contract/errors.ts';
import type { SourceFile, SourceSpec } from '../contract/source.ts';

/**
 * The plain opener of a recorder file on a mounted volume: the SourceOpener the ingest workers
 * run with on real hardware. Errors are the floor's typed source errors naming the file: a
 * device that is gone (ENODEV, ENXIO …) is SourceGoneError; any other read error (EIO from a bad
 * sector) is SourceReadError, which fails this file only.
 */
export async function openFileSource(spec: SourceSpec): Promise<SourceFile> {
  const sourcePath = spec.path;
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
        throw sourceReadFailure(sourcePath, position, err);
      }
    },
    async stat() {
      try {
        const now = await handle.stat();
        return { size: now.size, mtimeMs: now.mtimeMs };
      } catch (err) {
        throw sourceReadFailure(sourcePath, 0, err);
      }
    },
    close: () => handle.close(),
  };
}

function mapOpenError(sourcePath: string, err: unknown): Error {
  const code = errnoCode(err);
  if (code === 'EACCES' || code === 'EPERM') return new SourcePermissionError(sourcePath, err);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SourceMissingError(sourcePath, err);
  return sourceReadFailure(sourcePath, 0, err);
}
