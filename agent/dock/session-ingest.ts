import type { Logger } from 'pino';
import { SourceReadError } from '../../drivers/contract/errors.ts';
import type { FootageEntry, RecorderVolume } from '../../drivers/contract/ports.ts';
import { errnoCode, isDeviceGone } from '../errors.ts';
import { DestinationFullError } from '../ingest/errors.ts';
import type { Ingester, IngestResult, IngestSettled } from '../ingest/ingester.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { SessionOutcome } from '../ledger/event-types.ts';
import { ClipSealer } from './clip-sealer.ts';
import { dockAlerts } from './dock-alerts.ts';
import type { DockRules } from './dock-rules.ts';
import { type FilePlan, planFile } from './file-plan.ts';
import type { MediaProbe } from './media-probe.ts';
import { RecorderWipes, type RefusedWipe } from './recorder-wipes.ts';
import { clipRecordingTimes } from './recording-times.ts';
import type { SessionStep } from './session-steps.ts';
import { resumeKeyOf } from './staged-leftovers.ts';

/** What docking needs of the ingest core (the Ingester; a fake in the dock's unit tests). */
export type DockIngester = Pick<Ingester, 'ingestAll' | 'headDigest' | 'onProgress'>;

/** Collaborators of the ingest phase of a docking. */
export interface SessionIngestDeps {
  readonly ledger: DockLedger;
  readonly ingester: DockIngester;
  readonly rules: DockRules;
  readonly logger: Logger;
  readonly probe: MediaProbe;
  readonly isForwarded: (clipId: string) => boolean;
  /** Does the vault hold the sealed file of this digest and size? Checked before every wipe. */
  readonly vaultHolds: (sha256: string, size: number) => Promise<boolean>;
}

/** Where a docking stands while its files copy, for the live view. */
export interface IngestTally {
  filesTotal: number;
  filesDone: number;
}

/** How the ingest phase ended. */
export interface IngestSummary {
  readonly outcome: SessionOutcome;
  readonly sealed: number;
  readonly skipped: number;
  readonly failed: number;
  /** Why an `interrupted` phase was cut short: the recorder left, or the dock is stopping. */
  readonly cause?: Error;
}

/** One docking's context as the ingest phase sees it. */
export interface IngestContext {
  readonly serial: string;
  readonly sessionId: string;
  readonly clockSkewMs: number | null;
  /** Aborted when the recorder leaves the dock (the watcher saw it go) or the dock stops. */
  readonly signal: AbortSignal;
  /** True once the watcher saw the recorder's volume leave. */
  readonly departed: () => boolean;
  /** Waits a moment for a departure the watcher has not reported yet (a yank gives EIO first). */
  readonly departedWithin: () => Promise<boolean>;
  readonly mark: (step: SessionStep, detail?: string | null) => void;
}

/** The `wipes-refused` step's detail: how many, and the first files with their reasons. */
export function refusedWipesDetail(refused: readonly RefusedWipe[]): string {
  const shown = refused.slice(0, 3).map((r) => `${r.relPath}: ${r.reason}`);
  const more =
    refused.length > shown.length ? `; and ${refused.length - shown.length} more (see the log)` : '';
  const detail = `${refused.length} sealed files not deleted from the recorder: ${shown.join('; ')}${more}`;
  return detail.length > 2000 ? `${detail.slice(0, 1999)}…` : detail;
}

/**
 * Whether an error ends the whole docking rather than one file: the recorder is gone (ENODEV …,
 * or the watcher saw it leave), or the dock's worker pool shut down (the service is stopping).
 */
export function cutsDockingShort(err: unknown): boolean {
  return isDeviceGone(err) || (err as { code?: unknown }).code === 'POOL_CLOSED';
}

/**
 * The ingest phase of one docking: list the card, settle wipes a crash left half done, decide
 * each file by its content (file-plan.ts), copy and seal the rest oldest first, and wipe by
 * policy only what is proven sealed. A bad sector fails its file only (counted, alerted, never
 * wiped); a full vault stops the copies with a critical alert; only a recorder that really left
 * ends the session interrupted.
 */
export class SessionIngest {
  private readonly sealer: ClipSealer;
  private readonly wipes: RecorderWipes;
  private readonly log: Logger;
  private sealed = 0;
  private failed = 0;
  private readFailures: { entry: FootageEntry; error: SourceReadError }[] = [];
  /**
   * Set when a read or a wipe found the device gone (ENODEV …), whether or not the watcher said
   * so yet, or the dock's worker pool shut down under the copies (the service is stopping).
   */
  private cutShort: Error | null = null;
  private stopCopies: AbortController | null = null;

  constructor(
    private readonly deps: SessionIngestDeps,
    private readonly tally: IngestTally,
  ) {
    this.sealer = new ClipSealer(deps);
    this.wipes = new RecorderWipes(deps);
    this.log = deps.logger;
  }

  /** Run the phase on a mounted volume. */
  async run(volume: RecorderVolume, ctx: IngestContext): Promise<IngestSummary> {
    const listing = await volume.listFiles();
    const entries = [...listing.files].sort(
      (a, b) => a.mtimeMs - b.mtimeMs || a.relPath.localeCompare(b.relPath),
    );
    const truncated = listing.truncated ? ', listing truncated' : '';
    ctx.mark('listed', `${entries.length} files, ${listing.skipped.length} entries skipped${truncated}`);
    const unsafe = listing.skipped.filter((s) => s.reason !== 'not-footage' && s.reason !== 'system-folder');
    if (unsafe.length > 0)
      this.deps.ledger.openAlert(dockAlerts.unsafeEntries({ serial: ctx.serial, count: unsafe.length }));
    const settled = this.wipes.reconcile(ctx.serial, entries);
    if (settled > 0) ctx.mark('wipes-reconciled', `${settled} wipes settled after a restart`);
    const plans = await this.plan(volume, entries, ctx);
    const todo = plans.filter((p) => p.action === 'ingest');
    const skipped = plans.length - todo.length;
    this.tally.filesTotal = entries.length;
    this.tally.filesDone = skipped;
    ctx.mark('ingesting', `${todo.length} to copy`);
    await this.copy(volume, todo, ctx);
    await this.countReadFailures(ctx);
    const refused = this.wipes.refused;
    if (refused.length > 0) ctx.mark('wipes-refused', refusedWipesDetail(refused));
    const cause = ctx.departed() ? (ctx.signal.reason as Error) : this.cutShort;
    if (cause) return { outcome: 'interrupted', sealed: this.sealed, skipped, failed: this.failed, cause };
    const outcome: SessionOutcome = this.failed === 0 ? 'complete' : 'partial';
    return { outcome, sealed: this.sealed, skipped, failed: this.failed };
  }

  private async plan(
    volume: RecorderVolume,
    entries: FootageEntry[],
    ctx: IngestContext,
  ): Promise<FilePlan[]> {
    const plans: FilePlan[] = [];
    for (const entry of entries) {
      plans.push(
        await planFile(this.deps.ledger, entry, {
          serial: ctx.serial,
          maxReadAttempts: this.deps.rules.maxReadAttempts,
          mayWipe: (clip) => this.wipes.mayWipe(clip),
          headDigest: (e) => this.headDigest(volume, e, ctx.signal),
        }),
      );
    }
    return plans;
  }

  private async headDigest(
    volume: RecorderVolume,
    entry: FootageEntry,
    signal: AbortSignal,
  ): Promise<string | null> {
    try {
      return await this.deps.ingester.headDigest(await volume.openFile(entry.relPath), signal);
    } catch (err) {
      if (isDeviceGone(err) || signal.aborted) throw err;
      return null; // cannot prove it is the sealed file: it is copied again
    }
  }

  private async copy(
    volume: RecorderVolume,
    todo: readonly Extract<FilePlan, { action: 'ingest' }>[],
    ctx: IngestContext,
  ): Promise<void> {
    const requests = todo.map(({ entry }) => ({
      entry,
      open: () => volume.openFile(entry.relPath), // looked up when its turn comes
      resumeKey: resumeKeyOf(ctx.serial, entry),
      owner: ctx.serial,
    }));
    this.stopCopies = new AbortController();
    const signal = AbortSignal.any([ctx.signal, this.stopCopies.signal]);
    await this.deps.ingester.ingestAll(requests, {
      signal,
      onSettled: (s) => this.onSettled(s, s.request.entry, volume, ctx),
    });
  }

  private async onSettled(
    s: IngestSettled<unknown>,
    entry: FootageEntry,
    volume: RecorderVolume,
    ctx: IngestContext,
  ): Promise<void> {
    if (!s.ok) return this.onFailed(s.error, entry, ctx);
    try {
      await this.onCopied(s.result, entry, volume, ctx);
    } catch (err) {
      this.onFailed(err as Error, entry, ctx); // the seal or the wipe failed: say so, go on
    }
  }

  private async onCopied(
    result: IngestResult,
    entry: FootageEntry,
    volume: RecorderVolume,
    ctx: IngestContext,
  ): Promise<void> {
    const { ledger } = this.deps;
    const existing = ledger.findClip(ledger.clipIdFor(ctx.serial, entry.relPath, result.sha256));
    if (existing) {
      // The same bytes are sealed already: proven by the whole digest, not by the name.
      this.tally.filesDone++;
      if (!result.sourceChanged && this.wipes.mayWipe(existing))
        await this.wipes.wipe(volume, entry, existing);
      return;
    }
    const times = await this.timesOf(result, entry, ctx.serial);
    const clip = this.sealer.seal(ctx, entry, times, result);
    this.sealed++;
    this.tally.filesDone++;
    const proven = !result.sourceChanged && result.size === entry.size && !times.damaged;
    if (proven && this.wipes.mayWipe(clip)) await this.wipes.wipe(volume, entry, clip);
  }

  /** Recording times from the sealed copy, in the recorder's own clock zone where it can be learnt. */
  private timesOf(result: IngestResult, entry: FootageEntry, serial: string) {
    return clipRecordingTimes(this.deps, result.vaultPath, entry, serial);
  }

  private onFailed(error: Error, entry: FootageEntry, ctx: IngestContext): void {
    this.failed++;
    const code = (error as { code?: string }).code;
    this.log.warn({ relPath: entry.relPath, code, err: error.message }, 'file not sealed');
    if (cutsDockingShort(error)) {
      this.cutShort ??= error;
      this.stopCopies?.abort(error); // the files after it cannot be read either
      return;
    }
    if (error instanceof SourceReadError) {
      this.readFailures.push({ entry, error }); // counted at the end, unless the recorder left
      return;
    }
    if (error instanceof DestinationFullError) {
      this.deps.ledger.openAlert(dockAlerts.vaultFull({ serial: ctx.serial, sourcePath: entry.relPath }));
      this.stopCopies?.abort(error); // every later file would fail the same way
    }
  }

  /** A read error counts against its file only when the recorder is still there (a bad sector). */
  private async countReadFailures(ctx: IngestContext): Promise<void> {
    if (this.readFailures.length === 0 || (await ctx.departedWithin())) return;
    const { ledger, rules } = this.deps;
    for (const { entry, error } of this.readFailures) {
      const file = {
        serial: ctx.serial,
        sourcePath: entry.relPath,
        size: entry.size,
        mtimeMs: entry.mtimeMs,
      };
      const failure = { position: error.position, errno: errnoCode(error.cause) ?? null };
      const attempts = ledger.recordUnreadable(file, failure);
      ledger.openAlert(
        dockAlerts.readError({
          serial: ctx.serial,
          sourcePath: entry.relPath,
          ...failure,
          attempts,
          maxAttempts: rules.maxReadAttempts,
        }),
      );
    }
  }
}
