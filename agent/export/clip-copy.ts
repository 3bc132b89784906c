import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { errnoCode } from '../errors.ts';
import { ExportSealMismatchError } from './export-errors.ts';

/** The seal a copy must match. */
export interface SealedClip {
  readonly clipId: string;
  readonly sha256: string;
  readonly size: number;
}

const CHUNK = 1 << 20;

async function writeAll(handle: fsp.FileHandle, chunk: Buffer, onWritten: (part: Buffer) => void) {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    onWritten(chunk.subarray(offset, offset + bytesWritten));
    offset += bytesWritten;
  }
}

/**
 * Copy a sealed vault file to `dest` (created, never replaced), hashing the bytes as they are
 * written, and fsync it. Throws ExportSealMismatchError naming the clip when the vault file is
 * missing or what was written does not match the seal; the caller removes the partial package.
 */
export async function copySealedClip(
  src: string,
  dest: string,
  seal: SealedClip,
  onBytes: (n: number) => void,
): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fsp.open(dest, 'wx', 0o640);
  try {
    const input = createReadStream(src, { highWaterMark: CHUNK });
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        await writeAll(handle, chunk, (part) => {
          hash.update(part);
          bytes += part.length;
        });
        onBytes(chunk.length);
      }
    } catch (err) {
      if (errnoCode(err) === 'ENOENT')
        throw new ExportSealMismatchError(seal.clipId, 'missing', 'is missing', err);
      throw err;
    } finally {
      input.destroy();
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const digest = hash.digest('hex');
  if (bytes !== seal.size || digest !== seal.sha256) {
    throw new ExportSealMismatchError(
      seal.clipId,
      'mismatch',
      `does not match its seal (${bytes} bytes with sha256 ${digest}; sealed: ${seal.size} bytes with sha256 ${seal.sha256})`,
    );
  }
}
