import type { Logger } from 'pino';
import type { FileExpectation, FootageEntry, RecorderVolume } from '../../drivers/contract/ports.ts';
import { errnoCode, isDeleteRefused, isDeviceGone } from '../errors.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { subjectKey } from '../ledger/subjects.ts';
import type { DockRules } from './dock-rules.ts';

/** A sealed file this docking did not delete from the recorder, and why. */
export interface RefusedWipe {
  readonly relPath: string;
  readonly reason: string;
}

/**
 * Deleting sealed files from a recorder (the wipe policy) without ever losing one: the intent is
 * recorded durably first, then the file is unlinked (the driver refuses a file whose size or
 * mtime changed), then the wipe is confirmed. A crash in between leaves an intent that the next
 * dock reconciles against what is on the recorder. Only bytes proven equal to a durable seal are
 * deleted: the caller wipes a file right after the seal pass read exactly those bytes from this
 * mount, or after a new read of the whole file hashed to the seal. Every wipe that does not
 * happen is logged at warn with the file and the reason, and kept for the session's steps.
 */
export class RecorderWipes {
  private readonly refusals: RefusedWipe[] = [];

  constructor(
    private readonly deps: {
      readonly ledger: DockLedger;
      readonly rules: DockRules;
      readonly logger: Logger;
      readonly isForwarded: (clipId: string) => boolean;
      /** Does the vault hold the sealed file of this digest and size (VaultLayout.holds)? */
      readonly vaultHolds: (sha256: string, size: number) => Promise<boolean>;
    },
  ) {}

  /**
   * True when the policy allows deleting this clip's file now: not `never`, not wiped already,
   * forwarded when the policy waits for that, and not a damaged clip whose alert the equipment
   * manager has not resolved yet (the card may still hold the rest).
   */
  mayWipe(clip: ClipRecord): boolean {
    const { ledger, rules } = this.deps;
    if (rules.wipePolicy === 'never' || ledger.isWiped(clip.id)) return false;
    if (ledger.isAlertOpen('damaged-clip', subjectKey({ kind: 'clip', clipId: clip.id }))) return false;
    return rules.wipePolicy === 'after-seal' || this.deps.isForwarded(clip.id);
  }

  /** The wipes this docking refused so far, each with its reason. */
  get refused(): readonly RefusedWipe[] {
    return this.refusals;
  }

  /**
   * Delete the sealed file: intent, unlink, confirmation. A refused delete cancels the intent and
   * keeps the file; after a failure that leaves open whether the file is gone, the intent stays
   * for the next dock's reconcile. Either way it is logged with the file and the reason.
   */
  async wipe(volume: RecorderVolume, entry: FootageEntry, clip: ClipRecord): Promise<boolean> {
    const { ledger, logger } = this.deps;
    if (clip.size !== entry.size)
      return this.refuse(clip, entry, `it is listed at ${entry.size} bytes, the seal has ${clip.size}`);
    if (!(await this.deps.vaultHolds(clip.sha256, clip.size))) {
      logger.error(
        { serial: clip.serial, relPath: entry.relPath, sha256: clip.sha256 },
        'sealed file missing from the vault; not wiped',
      );
      this.refusals.push({ relPath: entry.relPath, reason: 'its sealed copy is missing from the vault' });
      return false;
    }
    ledger.intendWipe(clip.id, entry.mtimeMs);
    await ledger.durable(); // the intent, and the seal before it, survive a power cut before the unlink
    const expect: FileExpectation = { size: entry.size, mtimeMs: entry.mtimeMs };
    try {
      await volume.deleteFile(entry.relPath, expect);
    } catch (err) {
      if (isDeviceGone(err)) throw err; // the intent stays; the next dock reconciles it
      const reason = (err as Error).message;
      // The file may be gone or not (the helper's answer lost, the volume not back to read-only):
      // the intent stays, and the next dock settles it from the card instead of the ledger guessing.
      if (!isDeleteRefused(err))
        return this.refuse(clip, entry, `${reason}; the next dock checks whether it is gone`, errnoCode(err));
      ledger.cancelWipe(clip.id, `not deleted: ${reason}`);
      return this.refuse(clip, entry, reason, errnoCode(err));
    }
    ledger.confirmWipe(clip.id, 'unlinked');
    logger.info(
      { serial: clip.serial, relPath: entry.relPath, sha256: clip.sha256 },
      'sealed file wiped from recorder',
    );
    return true;
  }

  private refuse(clip: ClipRecord, entry: FootageEntry, reason: string, code?: string): false {
    this.deps.logger.warn(
      { serial: clip.serial, relPath: entry.relPath, code, reason },
      'wipe refused; the sealed file stays on the recorder',
    );
    this.refusals.push({ relPath: entry.relPath, reason });
    return false;
  }

  /**
   * Settle the wipes a crash left half done, against the recorder's listing: a file that is gone,
   * or whose name now holds another file, was deleted (confirmed); a file still there with the
   * size and mtime of the intent was not (cancelled: it is proven and wiped again in this dock).
   * Returns how many intents were settled.
   */
  reconcile(serial: string, files: readonly FootageEntry[]): number {
    const { ledger } = this.deps;
    const byPath = new Map(files.map((f) => [f.relPath, f]));
    const pending = ledger.pendingWipes(serial);
    for (const intent of pending) {
      const now = byPath.get(intent.sourcePath);
      const stillThere =
        now !== undefined && now.size === intent.size && Math.trunc(now.mtimeMs) === intent.mtimeMs;
      if (stillThere) ledger.cancelWipe(intent.clipId, 'still on the recorder at the next dock');
      else ledger.confirmWipe(intent.clipId, 'found-gone');
    }
    return pending.length;
  }
}
