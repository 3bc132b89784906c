import type { Logger } from 'pino';
import type { FileExpectation, FootageEntry, RecorderVolume } from '../../drivers/contract/ports.ts';
import { isDeviceGone } from '../errors.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { subjectKey } from '../ledger/subjects.ts';
import { failpoint } from '../ops/failpoints.ts';
import type { DockRules } from './dock-rules.ts';

/**
 * Deleting sealed files from a recorder (the wipe policy) without ever losing one: the intent is
 * recorded durably first, then the file is unlinked (the driver refuses a file whose size or
 * mtime changed), then the wipe is confirmed. A crash in between leaves an intent that the next
 * dock reconciles against what is on the recorder. Only bytes proven equal to a durable seal are
 * deleted: the caller wipes a file right after the seal pass read exactly those bytes from this
 * mount, or after a new read of the whole file hashed to the seal.
 */
export class RecorderWipes {
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

  /** Delete the sealed file: intent, unlink, confirmation. A refusal keeps the file and says why. */
  async wipe(volume: RecorderVolume, entry: FootageEntry, clip: ClipRecord): Promise<boolean> {
    const { ledger, logger } = this.deps;
    if (clip.size !== entry.size) return false; // never: the caller proved these bytes
    if (!(await this.deps.vaultHolds(clip.sha256, clip.size))) {
      logger.error(
        { serial: clip.serial, relPath: entry.relPath, sha256: clip.sha256 },
        'sealed file missing from the vault; not wiped',
      );
      return false;
    }
    ledger.intendWipe(clip.id, entry.mtimeMs);
    failpoint('dock.wipe.intent', entry.relPath);
    const expect: FileExpectation = { size: entry.size, mtimeMs: entry.mtimeMs };
    try {
      await volume.deleteFile(entry.relPath, expect);
    } catch (err) {
      if (isDeviceGone(err)) throw err; // the intent stays; the next dock reconciles it
      ledger.cancelWipe(clip.id, `not deleted: ${(err as Error).message}`);
      logger.warn(
        { serial: clip.serial, relPath: entry.relPath, err: (err as Error).message },
        'wipe refused',
      );
      return false;
    }
    failpoint('dock.wipe.unlinked', entry.relPath);
    ledger.confirmWipe(clip.id, 'unlinked');
    failpoint('dock.wipe.confirmed', entry.relPath);
    logger.info(
      { serial: clip.serial, relPath: entry.relPath, sha256: clip.sha256 },
      'sealed file wiped from recorder',
    );
    return true;
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
      failpoint('dock.reconcile.intent', intent.sourcePath);
      const now = byPath.get(intent.sourcePath);
      const stillThere =
        now !== undefined && now.size === intent.size && Math.trunc(now.mtimeMs) === intent.mtimeMs;
      if (stillThere) ledger.cancelWipe(intent.clipId, 'still on the recorder at the next dock');
      else ledger.confirmWipe(intent.clipId, 'found-gone');
    }
    return pending.length;
  }
}
