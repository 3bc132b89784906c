import type { Logger } from 'pino';
import type { FootageEntry, RecorderDriver } from '../../drivers/ports.ts';
import type { IngestResult } from '../ingest/ingester.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { corrected, type DockRules, isLate, recordingGapMs } from './dock-rules.ts';
import type { RecordingTimes } from './recording-times.ts';

/** What the sealer knows about the session a file belongs to. */
export interface SealerContext {
  readonly serial: string;
  readonly sessionId: string;
  readonly clockSkewMs: number | null;
}

/**
 * Turns a verified, published copy into the ledger's seal of a clip, with R1 and R9 applied, and
 * then (by policy) deletes the file from the recorder — only after the seal is committed, which
 * with synchronous=FULL means durable.
 */
export class ClipSealer {
  constructor(
    private readonly deps: {
      readonly ledger: Ledger;
      readonly rules: DockRules;
      readonly logger: Logger;
      readonly isForwarded: (clipId: string) => boolean;
    },
  ) {}

  /** Record the seal, timing, flags and alerts of one file in one transaction. */
  seal(ctx: SealerContext, entry: FootageEntry, times: RecordingTimes, result: IngestResult): ClipRecord {
    const { ledger, rules } = this.deps;
    const start = corrected(times.start, ctx.clockSkewMs);
    const end = corrected(times.end, ctx.clockSkewMs);
    const late = isLate(end ?? start, result.sealedAt, rules);
    const previous = start ? ledger.sessionRecords.previousClip(ctx.serial, start) : null;
    const gapMs = recordingGapMs(previous?.recordingEnd ?? null, start, rules);
    const flags = [...(late ? ['late'] : []), ...(gapMs !== null ? ['gap'] : [])];
    return ledger.transaction(() => {
      const clip = ledger.recordSeal(
        { ...result, sourcePath: entry.relPath },
        {
          serial: ctx.serial,
          sessionId: ctx.sessionId,
          recordingStart: start,
          recordingEnd: end,
          durationMs: times.durationMs,
          flags,
        },
      );
      ledger.sessionRecords.clipTiming({
        clipId: clip.id,
        timeSource: times.source,
        rawStart: times.start,
        rawEnd: times.end,
        clockSkewMs: ctx.clockSkewMs,
      });
      if (late) {
        const hours = Math.floor(
          (result.sealedAt.getTime() - (end ?? start ?? result.sealedAt).getTime()) / 3_600_000,
        );
        ledger.openAlert({
          kind: 'late-clip',
          severity: 'warning',
          subject: `clip:${clip.id}`,
          detail: `recorder ${ctx.serial}: ${entry.relPath} was sealed ${hours} h after its recording ended (limit ${rules.lateIngestHours} h, R1)`,
        });
      }
      if (gapMs !== null && previous) {
        ledger.openAlert({
          kind: 'recording-gap',
          severity: 'warning',
          subject: `gap:${ctx.serial}:${previous.id}:${clip.id}`,
          detail: `recorder ${ctx.serial}: recording stopped for ${Math.round(gapMs / 60_000)} min before ${entry.relPath}; a written explanation signed by two officers is needed (R9)`,
        });
      }
      return clip;
    });
  }

  /** True when the wipe policy allows deleting this sealed clip from the recorder now. */
  mayWipe(clip: ClipRecord): boolean {
    const policy = this.deps.rules.wipePolicy;
    if (policy === 'never' || this.deps.ledger.sessionRecords.isWiped(clip.id)) return false;
    return policy === 'after-seal' || this.deps.isForwarded(clip.id);
  }

  /** Delete the sealed file from the recorder (refused by the driver if it changed) and record it. */
  async wipe(driver: RecorderDriver, entry: FootageEntry, clip: ClipRecord): Promise<void> {
    if (clip.size !== entry.size)
      throw new Error(`refusing to wipe ${entry.relPath}: its size differs from the seal`);
    await driver.deleteFile(entry.relPath, { size: entry.size, mtimeMs: entry.mtimeMs });
    this.deps.ledger.sessionRecords.wipe(clip.id);
    this.deps.logger.info(
      { serial: clip.serial, relPath: entry.relPath, sha256: clip.sha256 },
      'sealed file wiped from recorder',
    );
  }
}
