import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errnoCode } from '../errors.ts';
import { fsyncDir, publishNoReplace } from '../fs/durable-write.ts';
import { STREAM_CHUNK_BYTES } from '../os/malloc-tuning.ts';
import type { BodySource, LockState, ObjectVersion, OffsiteStore, UploadedPart } from './offsite-store.ts';

const UPLOADS = '.uploads';

/**
 * A folder as the "off-site" store: the embedded demo's default, so the copy path runs with no
 * setup. It is NOT off-site (`offsite: false`; doctor and the page say so), has no Object Lock
 * (the WORM probe reports it unsupported) and no versions. Objects are never replaced: a write to
 * an existing key fails.
 */
export class FolderOffsiteStore implements OffsiteStore {
  readonly description: string;
  readonly offsite = false;
  readonly secure = true; // on this machine: labels do not travel over any link
  readonly lockMode = null;

  constructor(readonly dir: string) {
    this.description = `folder:${dir}`;
  }

  private file(key: string): string {
    const file = path.resolve(this.dir, key);
    if (!file.startsWith(`${path.resolve(this.dir)}${path.sep}`) || key.includes('..'))
      throw new Error(`the object key ${key} leaves the folder ${this.dir}`);
    return file;
  }

  async head(key: string): Promise<ObjectVersion | null> {
    try {
      const st = await fsp.stat(this.file(key));
      return { key, versionId: null, size: st.size };
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  /** Write a stream to a temp file beside `file`, fsynced; returns the temp path and MD5. */
  private async stage(
    file: string,
    body: Readable,
    signal?: AbortSignal,
  ): Promise<{ tmp: string; md5: string; size: number }> {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
    const tmp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const md5 = createHash('md5');
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      md5.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(body, createWriteStream(tmp, { flags: 'wx', mode: 0o440 }), signal ? { signal } : {});
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    const handle = await fsp.open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { tmp, md5: md5.digest('hex'), size };
  }

  private async publish(tmp: string, key: string, size: number): Promise<ObjectVersion> {
    if (!(await publishNoReplace(tmp, this.file(key)))) {
      await fsp.rm(tmp, { force: true });
      throw new Error(`the object ${key} already exists in ${this.dir}: it is never replaced`);
    }
    return { key, versionId: null, size };
  }

  async putObject(key: string, body: BodySource, size: number, signal?: AbortSignal): Promise<ObjectVersion> {
    const staged = await this.stage(this.file(key), body(), signal);
    if (staged.size !== size) {
      await fsp.rm(staged.tmp, { force: true });
      throw new Error(`the body of ${key} held ${staged.size} bytes, not ${size}`);
    }
    return this.publish(staged.tmp, key, size);
  }

  private uploadDir(uploadId: string): string {
    if (!/^[0-9a-f]{32}$/.test(uploadId))
      throw new Error(`the upload id ${uploadId} is not one of this store's`);
    return path.join(this.dir, UPLOADS, uploadId);
  }

  async createMultipart(key: string): Promise<string> {
    const uploadId = randomBytes(16).toString('hex');
    const dir = this.uploadDir(uploadId);
    await fsp.mkdir(dir, { recursive: true, mode: 0o750 });
    await fsp.writeFile(path.join(dir, 'key'), key);
    return uploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BodySource,
    size: number,
    signal?: AbortSignal,
  ): Promise<string> {
    const dir = this.uploadDir(uploadId);
    if ((await fsp.readFile(path.join(dir, 'key'), 'utf8')) !== key)
      throw new Error(`the upload ${uploadId} is not for ${key}`);
    const partFile = path.join(dir, String(partNumber).padStart(5, '0'));
    const staged = await this.stage(partFile, body(), signal);
    if (staged.size !== size)
      throw new Error(`part ${partNumber} of ${key} held ${staged.size} bytes, not ${size}`);
    await fsp.rename(staged.tmp, partFile);
    await fsyncDir(dir);
    return `"${staged.md5}"`;
  }

  async listParts(_key: string, uploadId: string): Promise<UploadedPart[] | null> {
    const dir = this.uploadDir(uploadId);
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).filter((n) => /^\d{5}$/.test(n)).sort();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
    const parts: UploadedPart[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      const md5 = createHash('md5');
      for await (const chunk of createReadStream(file)) md5.update(chunk as Buffer);
      parts.push({
        partNumber: Number(name),
        etag: `"${md5.digest('hex')}"`,
        size: (await fsp.stat(file)).size,
      });
    }
    return parts;
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<ObjectVersion> {
    const dir = this.uploadDir(uploadId);
    const files = parts.map((p) => path.join(dir, String(p.partNumber).padStart(5, '0')));
    const size = parts.reduce((n, p) => n + p.size, 0);
    async function* joined(): AsyncGenerator<Buffer> {
      for (const f of files) for await (const chunk of createReadStream(f)) yield chunk as Buffer;
    }
    const staged = await this.stage(this.file(key), Readable.from(joined()));
    const version = await this.publish(staged.tmp, key, size);
    await fsp.rm(dir, { recursive: true, force: true });
    return version;
  }

  async abortMultipart(_key: string, uploadId: string): Promise<void> {
    await fsp.rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async read(
    version: ObjectVersion,
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ): Promise<Readable> {
    const file = this.file(version.key);
    await fsp.access(file);
    return createReadStream(file, {
      highWaterMark: STREAM_CHUNK_BYTES,
      ...(range ?? {}),
      ...(signal ? { signal } : {}),
    });
  }

  async setRetention(): Promise<void> {
    throw new Error(`the folder store ${this.dir} has no Object Lock`);
  }

  async setLegalHold(): Promise<void> {
    throw new Error(`the folder store ${this.dir} has no Object Lock`);
  }

  async lockState(): Promise<LockState> {
    return { mode: null, retainUntil: null, legalHold: false };
  }

  async deleteVersion(version: ObjectVersion): Promise<'deleted' | 'refused'> {
    await fsp.rm(this.file(version.key), { force: true });
    return 'deleted';
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const root = path.join(this.dir, prefix);
    let entries: string[];
    try {
      entries = await fsp.readdir(root, { recursive: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const out: ObjectVersion[] = [];
    for (const rel of entries.sort()) {
      const st = await fsp.stat(path.join(root, rel));
      if (st.isFile() && !path.basename(rel).startsWith('.'))
        out.push({ key: path.posix.join(prefix, rel), versionId: null, size: st.size });
    }
    return out;
  }

  async close(): Promise<void> {}
}
