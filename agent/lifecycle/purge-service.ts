import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.ts';
import { fsyncDir } from '../fs/durable-write.ts';
import type { PurgeRow } from '../ledger/purge-queries.ts';
import { labelKey } from '../offsite/object-keys.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import { recoverableFile, vaultFile } from './lifecycle-deps.ts';
import { PurgeRefusedError } from './lifecycle-errors.ts';
import { retentionOfClips } from './retention-review.ts';

/**
 * R3 purges: only expired clips not on hold, only with the equipment manager's confirmation (and a
 * supervisor's approval for evidence), first into a recoverable area for the grace period (undo),
 * then deleted locally and off-site. The ledger records each step before the files move, and
 * `settle()` brings the files in line with the ledger after a crash, a restart or a day's wait.
 */
export class PurgeService {
  constructor(private readonly deps: LifecycleDeps) {}

  /** The manager confirms a purge list; returns the purge id. Clips not yet expired are refused. */
  async request(input: { clipIds: readonly string[]; by: string; reason: string }): Promise<string> {
    const now = this.deps.now().getTime();
    const retention = retentionOfClips(this.deps, input.clipIds);
    for (const id of input.clipIds) {
      const r = retention.get(id);
      if (!r) throw new PurgeRefusedError(`the clip ${id} is not sealed here`);
      if (r.end === null || r.end.getTime() > now)
        throw new PurgeRefusedError(
          `the clip ${id} is ${r.retentionClass} footage kept ${r.end ? `until ${r.end.toISOString()}` : 'while its case is open'} (R3)`,
        );
    }
    const needsApproval = [...retention.values()].some((r) => r.retentionClass === 'evidence');
    const purgeId = this.deps.ledger.requestPurge({
      clipIds: input.clipIds,
      requestedBy: input.by,
      reason: input.reason,
      needsApproval,
    });
    await this.settle();
    return purgeId;
  }

  /** A supervisor approves a purge of evidence; its files then go to the recoverable area. */
  async approve(input: { purgeId: string; by: string }): Promise<void> {
    this.deps.ledger.approvePurge({ purgeId: input.purgeId, approvedBy: input.by });
    await this.settle();
  }

  /** Undo a purge within its grace period: its files go back into the vault. */
  async undo(input: { purgeId: string; by: string; reason: string }): Promise<void> {
    this.deps.ledger.undoPurge({ purgeId: input.purgeId, undoneBy: input.by, reason: input.reason });
    await this.settle();
  }

  /** Bring every open purge's files in line with the ledger; delete those past their grace period. */
  async settle(): Promise<void> {
    for (const p of this.deps.ledger.openPurges()) {
      try {
        await this.settleOne(p);
      } catch (err) {
        this.deps.logger.warn({ err, purgeId: p.id }, 'purge not settled; retried later');
      }
    }
  }

  private async settleOne(p: PurgeRow): Promise<void> {
    if (p.status === 'undone') return this.restoreFiles(p);
    if (p.status === 'requested' || p.status === 'approved') {
      this.deps.ledger.stagePurge({ purgeId: p.id, graceDays: this.deps.settings.purgeGraceDays });
    }
    await this.stageFiles(p);
    const staged = this.deps.ledger.purge(p.id);
    if (staged?.graceUntil && staged.graceUntil.getTime() <= this.deps.now().getTime())
      await this.execute(staged);
  }

  private async stageFiles(p: PurgeRow): Promise<void> {
    for (const sha256 of p.sha256s)
      await moveIfPresent(vaultFile(this.deps, sha256), recoverableFile(this.deps, p.id, sha256));
  }

  private async restoreFiles(p: PurgeRow): Promise<void> {
    for (const sha256 of p.sha256s)
      await moveIfPresent(recoverableFile(this.deps, p.id, sha256), vaultFile(this.deps, sha256));
    await fsp.rm(path.dirname(recoverableFile(this.deps, p.id, 'x')), { recursive: true, force: true });
  }

  /** After the grace period: delete locally and on the store; refused while any clip is held. */
  private async execute(p: PurgeRow): Promise<void> {
    const held = this.deps.ledger.heldAmong(p.clipIds);
    if (held.length > 0) {
      this.deps.logger.info({ purgeId: p.id, held: held.length }, 'purge waits: clips on hold');
      return;
    }
    const done = (sha256: string, place: string) =>
      p.deletions.some((d) => d.sha256 === sha256 && d.place === place && d.result !== 'refused');
    let outstanding = 0;
    for (const sha256 of p.sha256s) {
      // Sealed again since the request (the same content docked anew): that clip needs the file.
      if (this.deps.ledger.clipIdsOf(sha256).some((id) => !p.clipIds.includes(id))) continue;
      if (!done(sha256, 'local')) {
        const gone = await unlinkIfPresent(recoverableFile(this.deps, p.id, sha256));
        this.deps.ledger.recordPurgeDeletion({
          purgeId: p.id,
          sha256,
          place: 'local',
          result: gone ? 'deleted' : 'absent',
        });
      }
      for (const copy of this.deps.ledger.copiesOf(sha256)) {
        if (done(sha256, copy.store)) continue;
        const result = await this.deleteOffsite(copy.store, {
          key: copy.key,
          versionId: copy.versionId,
          size: copy.size,
        });
        this.deps.ledger.recordPurgeDeletion({ purgeId: p.id, sha256, place: copy.store, result });
        if (result === 'refused') outstanding++;
      }
    }
    if (outstanding === 0) {
      this.deps.ledger.completePurge(p.id);
      await fsp.rm(path.dirname(recoverableFile(this.deps, p.id, 'x')), { recursive: true, force: true });
    }
  }

  private async deleteOffsite(
    store: string,
    version: { key: string; versionId: string | null; size: number },
  ): Promise<'deleted' | 'refused' | 'absent'> {
    const s = this.deps.store;
    // A copy on a store no longer configured cannot be reached from here: it stays refused.
    if (!s || s.description !== store) return 'refused';
    const label = await s.head(labelKey(path.basename(version.key)));
    if (label) await s.deleteVersion(label);
    if (!(await s.head(version.key))) return 'absent';
    return s.deleteVersion(version);
  }
}

async function moveIfPresent(from: string, to: string): Promise<void> {
  try {
    await fsp.mkdir(path.dirname(to), { recursive: true, mode: 0o750 });
    await fsp.rename(from, to);
    await fsyncDir(path.dirname(to));
    await fsyncDir(path.dirname(from));
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

async function unlinkIfPresent(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
    await fsyncDir(path.dirname(file));
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
