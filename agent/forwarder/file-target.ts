import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.ts';
import { mkdirDurable, publishNoReplace, writeFileDurable } from '../fs/durable-write.ts';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.ts';
import { failpoint } from '../ops/failpoints.ts';
import type { OutgoingBatch } from './batch.ts';
import { CheckpointFetchError } from './errors.ts';
import { checkpointFolder } from './object-keys.ts';
import { type ForwardTarget, retryOutcome, type SendOutcome } from './target.ts';

type PutResult = 'written' | 'same' | 'different';

/** Create `dir` and its missing parents, fsyncing the parent of each new folder (power-cut safe). */
/**
 * The `file` target: a folder laid out as an object store (keys in object-keys.ts), the embedded
 * default. Objects are written through the durable-write helper into `.staging/`, then linked
 * into place without ever replacing an existing file. Not authenticated or encrypted, so personal
 * fields are withheld (R11).
 */
export class FileTarget implements ForwardTarget {
  readonly description: string;
  readonly identity: string;
  readonly secure = false;
  private readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
    this.description = `file:${this.root}`;
    this.identity = `file:${this.root}`;
  }

  async send(batch: OutgoingBatch): Promise<SendOutcome> {
    try {
      // Checkpoints and the dock identity first: a key that exists already is as good as written.
      for (const obj of batch.standalone) await this.putOnce(obj.key, obj.body, obj.sha256);
      const result = await this.putOnce(batch.key, batch.body, batch.sha256);
      if (result === 'different') return { kind: 'conflict', key: batch.key };
      return { kind: 'acked', duplicate: result === 'same' };
    } catch (err) {
      return retryOutcome(err, `writing to ${this.root} failed`);
    }
  }

  async fetchLatestCheckpoint(dockId: string): Promise<Checkpoint | null> {
    const folder = this.pathOf(checkpointFolder(dockId));
    let names: string[];
    try {
      names = (await fsp.readdir(folder)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw new CheckpointFetchError(this.description, `${errnoCode(err) ?? 'error'} reading ${folder}`, {
        cause: err,
      });
    }
    const newest = names[0];
    if (newest === undefined) return null;
    const file = path.join(folder, newest);
    return parseCheckpoint(await fsp.readFile(file, 'utf8'), file);
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    const file = path.join(this.root, ...key.split('/'));
    if (!file.startsWith(`${this.root}${path.sep}`)) throw new Error(`object key ${key} leaves ${this.root}`);
    return file;
  }

  /** Digest of the file's content, or null when there is no file. */
  private async digestOf(file: string): Promise<string | null> {
    try {
      return createHash('sha256')
        .update(await fsp.readFile(file))
        .digest('hex');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  private async putOnce(key: string, body: Buffer, sha256: string): Promise<PutResult> {
    const file = this.pathOf(key);
    const existing = await this.digestOf(file);
    if (existing !== null) return existing === sha256 ? 'same' : 'different';
    const staging = path.join(this.root, '.staging');
    await mkdirDurable(staging);
    await mkdirDurable(path.dirname(file));
    const staged = path.join(staging, `${sha256.slice(0, 16)}.${randomBytes(4).toString('hex')}.json`);
    await writeFileDurable(staged, body, { mode: 0o440 });
    failpoint('forwarder.file.staged', key);
    if (await publishNoReplace(staged, file)) return 'written';
    await fsp.rm(staged, { force: true });
    // Another writer got there first: what it wrote decides.
    return (await this.digestOf(file)) === sha256 ? 'same' : 'different';
  }
}
