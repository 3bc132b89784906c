import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errnoCode } from '../errors.ts';
import { publishNoReplace } from '../fs/durable-write.ts';
import { sha256OfFile } from '../ledger/verify/verify-vault.ts';
import { offsiteAlerts } from '../offsite/offsite-alerts.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import { vaultFile } from './lifecycle-deps.ts';
import { FetchBackError } from './lifecycle-errors.ts';

/**
 * Local copies of evicted clips, fetched back from the off-site store when someone views or exports
 * them: read into the staging folder while hashing, published into the vault only when the bytes
 * hash to the seal (the read-back is recorded as a verification of the off-site copy), never
 * otherwise. Concurrent requests for one file share one fetch.
 */
export class FetchBack {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly deps: LifecycleDeps) {}

  /** The vault file of `sha256`, fetched back first when it was evicted. */
  ensureLocal(sha256: string): Promise<string> {
    if (!this.deps.ledger.isEvicted(sha256)) return Promise.resolve(vaultFile(this.deps, sha256));
    let running = this.inFlight.get(sha256);
    if (!running) {
      running = this.fetch(sha256).finally(() => this.inFlight.delete(sha256));
      this.inFlight.set(sha256, running);
    }
    return running;
  }

  private async fetch(sha256: string): Promise<string> {
    const target = vaultFile(this.deps, sha256);
    const store = this.deps.store;
    const copy = store
      ? this.deps.ledger.copiesOf(sha256).find((c) => c.store === store.description && c.lastResult === 'ok')
      : undefined;
    if (!store || !copy)
      throw new FetchBackError(
        `the clip's file ${sha256} was evicted and no verified off-site copy can be reached: check the off-site store`,
      );
    // A fetch that published but stopped before its ledger record: verify what is there.
    if ((await existing(target)) && (await sha256OfFile(target)) === sha256) {
      this.deps.ledger.recordRestore({ sha256, store: store.description, versionId: copy.versionId });
      return target;
    }
    await fsp.mkdir(this.deps.stagingDir, { recursive: true, mode: 0o750 });
    const part = path.join(this.deps.stagingDir, `fetch-${sha256}-${randomBytes(4).toString('hex')}.part`);
    const version = { key: copy.key, versionId: copy.versionId, size: copy.size };
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(await store.read(version), tap, createWriteStream(part, { flags: 'wx', mode: 0o440 }));
      const actual = hash.digest('hex');
      const ok = actual === sha256 && bytes === copy.size;
      this.record(sha256, copy, ok ? 'ok' : 'mismatch', actual);
      if (!ok)
        throw new FetchBackError(
          `the off-site copy of ${sha256} does not hash to its seal: it was not put back`,
        );
      const handle = await fsp.open(part, 'r');
      await handle.sync();
      await handle.close();
      if (!(await publishNoReplace(part, target))) await fsp.rm(part, { force: true });
    } catch (err) {
      await fsp.rm(part, { force: true });
      throw err;
    }
    this.deps.ledger.recordRestore({ sha256, store: store.description, versionId: copy.versionId });
    this.deps.logger.info({ sha256 }, 'evicted clip fetched back and verified');
    return target;
  }

  private record(
    sha256: string,
    copy: {
      store: string;
      key: string;
      versionId: string | null;
      size: number;
      retainUntil: Date | null;
      legalHold: boolean;
      lockKept: boolean | null;
    },
    result: 'ok' | 'mismatch',
    actual: string,
  ): void {
    this.deps.ledger.recordCopy({
      sha256,
      size: copy.size,
      store: copy.store,
      key: copy.key,
      versionId: copy.versionId,
      purpose: 'fetch',
      result,
      actualSha256: actual,
      method: 'read-back-sha256',
      verifiedAt: this.deps.now(),
      retainUntil: copy.retainUntil,
      legalHold: copy.legalHold,
      lockKept: copy.lockKept,
    });
    if (result !== 'ok') {
      const clipIds = this.deps.ledger.clipIdsOf(sha256);
      this.deps.ledger.openAlert(
        offsiteAlerts.copyMismatch(clipIds, {
          sha256,
          store: copy.store,
          key: copy.key,
          result,
          purpose: 'fetch',
        }),
      );
    }
  }
}

async function existing(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
