import { constants, promises as fsp } from 'node:fs';
import { errnoCode } from '../errors.ts';
import { DIRECT_IO_ALIGN, dropCachedPages, isAligned, startWriteback } from './page-cache.ts';

/** How the staged copy's bytes reached the disk. */
export type WriteMode = 'o-direct' | 'buffered';

/**
 * The write side of the seal pass: the staged part, written with O_DIRECT from aligned buffers
 * where the file system allows it (no fresh page-cache pages to fill, and gigabytes of footage
 * do not push the rest of the box out of memory), otherwise buffered with early write-back.
 * An unaligned head or tail of a block (a resume from an odd offset, a short read, the last
 * block) goes through the buffered descriptor of the same file; `sync` makes both durable.
 */
export class StagedWriter {
  private lastWriteback = 0;

  private constructor(
    /** The buffered descriptor: reads, tails, truncate, chmod, fsync. */
    readonly handle: fsp.FileHandle,
    private direct: fsp.FileHandle | null,
    private readonly writebackBytes: number,
  ) {}

  /**
   * Open (or create) the staged part. A part left by a seal pass that finished is read-only
   * (0440) until verify publishes it; the service owns it, so after a restart it is made writable
   * again rather than refused (only root could open a 0440 file for writing).
   */
  static async open(
    stagedPath: string,
    opts: { direct: boolean; writebackBytes: number },
  ): Promise<StagedWriter> {
    const handle = await openWritable(stagedPath, constants.O_RDWR | constants.O_CREAT);
    let direct: fsp.FileHandle | null = null;
    if (opts.direct) {
      try {
        direct = await fsp.open(stagedPath, constants.O_WRONLY | constants.O_DIRECT);
      } catch (err) {
        if (errnoCode(err) !== 'EINVAL') {
          await handle.close();
          throw err;
        }
      }
    }
    return new StagedWriter(handle, direct, opts.writebackBytes);
  }

  /** How the bytes are being written now (O_DIRECT may be given up after a refused write). */
  get mode(): WriteMode {
    return this.direct ? 'o-direct' : 'buffered';
  }

  /** Write `length` bytes of `buffer` (from its start) at `position`. */
  async write(buffer: Buffer, length: number, position: number): Promise<void> {
    const body = this.directLength(buffer, length, position);
    if (body > 0) {
      try {
        await writeAll(this.direct as fsp.FileHandle, buffer, 0, body, position);
      } catch (err) {
        if (errnoCode(err) !== 'EINVAL') throw err;
        await this.giveUpDirect(); // the file system took the open but refuses the writes
        return this.write(buffer, length, position);
      }
    }
    if (body < length) await writeAll(this.handle, buffer, body, length - body, position + body);
    this.paceWriteback(position + length);
  }

  /** Make every written byte and the file's size durable (fsync). */
  async sync(): Promise<void> {
    await this.handle.sync();
  }

  /** Make the written bytes durable without the file's other metadata (fdatasync). */
  async datasync(): Promise<void> {
    await this.handle.datasync();
  }

  /** Drop the copy's clean cached pages: verify reads the disk, and the box keeps its memory. */
  forgetCachedPages(): void {
    dropCachedPages(this.handle.fd);
  }

  async close(): Promise<void> {
    await this.direct?.close();
    await this.handle.close();
  }

  /** Bytes of this block that can go through O_DIRECT: the aligned whole sectors from its start. */
  private directLength(buffer: Buffer, length: number, position: number): number {
    if (!this.direct || position % DIRECT_IO_ALIGN !== 0 || !isAligned(buffer)) return 0;
    return length - (length % DIRECT_IO_ALIGN);
  }

  private async giveUpDirect(): Promise<void> {
    const direct = this.direct;
    this.direct = null;
    await direct?.close();
  }

  /** Buffered writes only: start write-back of finished ranges so the final fsync does not stall. */
  private paceWriteback(end: number): void {
    if (this.direct || this.writebackBytes <= 0 || end - this.lastWriteback < this.writebackBytes) return;
    startWriteback(this.handle.fd, this.lastWriteback, end - this.lastWriteback);
    this.lastWriteback = end;
  }
}

async function openWritable(stagedPath: string, flags: number): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(stagedPath, flags, 0o640);
  } catch (err) {
    if (errnoCode(err) !== 'EACCES') throw err;
    await fsp.chmod(stagedPath, 0o640);
    return fsp.open(stagedPath, flags, 0o640);
  }
}

async function writeAll(
  handle: fsp.FileHandle,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(buffer, offset + done, length - done, position + done);
    done += bytesWritten;
  }
}
