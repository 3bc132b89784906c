import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { mkdirDurable } from '../fs/durable-write.ts';
import type { DockPaths } from '../paths.ts';

/**
 * The evidence vault's layout. Sealed files are content-addressed: `sha256/<2 hex>/<64 hex>`, so
 * the path follows from the seal and identical content is stored once. Partial copies and their
 * resume state live in the staging area on the same file system (publishing is a hard link).
 */
export class VaultLayout {
  constructor(private readonly paths: DockPaths) {}

  /** Where the sealed file with this digest lives. */
  sealedPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
    return path.join(this.paths.vaultDir, 'sha256', sha256.slice(0, 2), sha256);
  }

  /** True when the vault holds the sealed file of this digest with this many bytes. */
  async holds(sha256: string, size: number): Promise<boolean> {
    const st = await fsp.stat(this.sealedPath(sha256)).catch(() => null);
    return st?.isFile() === true && st.size === size;
  }

  /** The staged part and resume-state paths for a source, from the caller's resume key. */
  stagingFor(resumeKey: string): { stagedPath: string; statePath: string } {
    const id = createHash('sha256').update(resumeKey).digest('hex').slice(0, 32);
    return {
      stagedPath: path.join(this.paths.stagingDir, `${id}.part`),
      statePath: path.join(this.paths.stagingDir, `${id}.state.json`),
    };
  }

  /** Where a copy that failed verification is kept for inspection. */
  quarantinePath(stagedPath: string, when: Date): string {
    const stamp = when.toISOString().replace(/[:.]/g, '-');
    return path.join(this.paths.quarantineDir, `${stamp}-${path.basename(stagedPath)}`);
  }

  /**
   * Remove the temporary files a kill left behind in the staging area (the durable-write
   * helper's `.NAME.RANDOM.tmp`). Partial copies (`.part`) and their resume states stay: the next
   * dock resumes from them. Returns how many were removed.
   */
  async removeStaleTemporaries(): Promise<number> {
    let removed = 0;
    const names = await fsp.readdir(this.paths.stagingDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) continue;
      await fsp.rm(path.join(this.paths.stagingDir, name), { force: true });
      removed++;
    }
    return removed;
  }

  /** Create the vault's directories (owner-only access). */
  async ensureDirs(): Promise<void> {
    for (const dir of [this.paths.vaultDir, this.paths.stagingDir, this.paths.quarantineDir]) {
      await mkdirDurable(dir);
    }
  }
}
