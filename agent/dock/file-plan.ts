import type { FootageEntry } from '../../drivers/contract/ports.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { failpoint } from '../ops/failpoints.ts';

/** What the dock does with one listed recorder file. */
export type FilePlan =
  /** Copy and seal it. `proving`: a sealed clip it may be, whose wipe needs the new digest. */
  | { readonly action: 'ingest'; readonly entry: FootageEntry; readonly proving: ClipRecord | null }
  /** Its mtime and first bytes match a sealed clip that stays on the recorder: leave it. */
  | { readonly action: 'already-sealed'; readonly entry: FootageEntry; readonly clip: ClipRecord }
  /** It failed to read at too many docks: leave it (its alert stays open). */
  | { readonly action: 'unreadable'; readonly entry: FootageEntry; readonly attempts: number };

/** What planning needs besides the ledger. */
export interface PlanContext {
  readonly serial: string;
  readonly maxReadAttempts: number;
  /** Whether the wipe policy would delete this clip's file now. */
  readonly mayWipe: (clip: ClipRecord) => boolean;
  /** SHA-256 of the listed file's first bytes; null when it cannot be read. */
  readonly headDigest: (entry: FootageEntry) => Promise<string | null>;
}

/**
 * Decide one file. Identity rests on content, never on the name: a file of a sealed clip's name
 * and size is "already sealed" only when its mtime and the digest of its first bytes match that
 * clip, and only while nothing is to be deleted; a file that may be wiped is copied and sealed
 * again, and the new whole-file digest decides (the vault recognises identical content).
 */
export async function planFile(ledger: DockLedger, entry: FootageEntry, ctx: PlanContext): Promise<FilePlan> {
  const ref = { serial: ctx.serial, sourcePath: entry.relPath, size: entry.size, mtimeMs: entry.mtimeMs };
  const attempts = ledger.unreadableAttempts(ref);
  if (attempts >= ctx.maxReadAttempts) return { action: 'unreadable', entry, attempts };
  const candidates = ledger
    .clipsAt(ctx.serial, entry.relPath, entry.size)
    .filter((c) => !ledger.isWiped(c.id));
  if (candidates.length === 0) return { action: 'ingest', entry, proving: null };
  const toWipe = candidates.find((c) => ctx.mayWipe(c));
  if (toWipe) return { action: 'ingest', entry, proving: toWipe };
  const mtime = Math.trunc(entry.mtimeMs);
  const same = candidates.filter((c) => c.sourceMtimeMs === mtime && c.headSha256 !== null);
  if (same.length > 0) {
    const head = await ctx.headDigest(entry);
    const clip = same.find((c) => c.headSha256 === head);
    if (clip) {
      failpoint('dock.skip.matched', entry.relPath);
      return { action: 'already-sealed', entry, clip };
    }
  }
  return { action: 'ingest', entry, proving: null };
}
