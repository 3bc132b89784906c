import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ingester } from '../../agent/ingest/ingester.ts';
import type { SealTuning } from '../../agent/ingest/seal-pass.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { type IngestTaskRunner, IngestWorkerPool, simWorkerUrl } from '../../agent/ingest/worker-pool.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { type DockPaths, pathsUnder } from '../../agent/paths.ts';

/** Small buffers so that boundaries and checkpoints are crossed many times on small files. */
export const SMALL_TUNING: SealTuning = {
  bufferBytes: 64 << 10,
  checkpointBytes: 256 << 10,
  writebackBytes: 128 << 10,
};

/** A temp directory with a vault and a source area, and a worker pool; `close` removes both. */
export class IngestFixture {
  readonly root: string;
  readonly paths: DockPaths;
  readonly sourceDir: string;
  readonly pool: IngestWorkerPool;

  private constructor(root: string) {
    this.root = root;
    this.paths = pathsUnder(path.join(root, 'state'));
    this.sourceDir = path.join(root, 'recorder');
    // The simulator's worker entry: the tests plan read faults in the specs they hand over.
    this.pool = new IngestWorkerPool(2, simWorkerUrl());
  }

  static async create(): Promise<IngestFixture> {
    const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'dock-ingest-'));
    const fixture = new IngestFixture(root);
    await fsp.mkdir(fixture.sourceDir, { recursive: true });
    return fixture;
  }

  /** An ingester over this fixture's vault, with the given tuning and task runner. */
  ingester(
    tuning: SealTuning = SMALL_TUNING,
    runner: IngestTaskRunner = this.pool,
    paths = this.paths,
  ): Ingester {
    return new Ingester({ pool: runner, layout: new VaultLayout(paths), logger: silentLogger(), tuning });
  }

  /** Write a source file of random bytes; returns its path and SHA-256. */
  async sourceFile(name: string, size: number): Promise<{ file: string; sha256: string }> {
    const file = path.join(this.sourceDir, name);
    const data = randomBytes(size);
    await fsp.writeFile(file, data);
    return { file, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** Every file under the sealed part of the vault (not staging, not quarantine). */
  sealedFiles(paths = this.paths): string[] {
    const root = path.join(paths.vaultDir, 'sha256');
    try {
      return readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name));
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
    await fsp.rm(this.root, { recursive: true, force: true });
  }
}

/** SHA-256 of a file according to openssl, the reference the ingest core is checked against. */
export function opensslSha256(file: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-r', file], { encoding: 'utf8' });
  return out.split(' ')[0] as string;
}

/** A small deterministic PRNG (mulberry32) so random offsets are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
