import type { FootageEntry } from '../../drivers/contract/ports.ts';
import type { IngestResult } from '../ingest/ingester.ts';
import type { DockLedger } from '../ledger/dock-ledger.ts';
import type { ClipRecord } from '../ledger/ledger-records.ts';
import { failpoint } from '../ops/failpoints.ts';
import { dockAlerts } from './dock-alerts.ts';
import { corrected, type DockRules, isLate, recordingGapMs } from './dock-rules.ts';
import type { RecordingTimes } from './recording-times.ts';

/** What the sealer knows about the session a file belongs to. */
export interface SealerContext {
  readonly serial: string;
  readonly sessionId: string;
  readonly clockSkewMs: number | null;
}

/**
 * Turns a verified, published copy into the ledger's seal of a clip in one transaction, with its
 * flags and alerts: `late` (R1), `gap` (R9), `damaged` (an MP4 cut short or unreadable: R8 fault
 * report suggested, kept on the recorder) and `changed` (the file changed while it was copied:
 * what was read is sealed, the file is kept and copied again next time).
 */
export class ClipSealer {
  constructor(
    private readonly deps: {
      readonly ledger: DockLedger;
      readonly rules: DockRules;
    },
  ) {}

  /** Record the seal, timing, flags and alerts of one file in one transaction. */
  seal(
    ctx: SealerContext,
    entry: Pick<FootageEntry, 'relPath' | 'size' | 'mtimeMs'>,
    times: RecordingTimes,
    result: IngestResult,
  ): ClipRecord {
    const { ledger, rules } = this.deps;
    const start = corrected(times.start, ctx.clockSkewMs);
    const end = corrected(times.end, ctx.clockSkewMs);
    const late = isLate(end ?? start, result.sealedAt, rules);
    const previous = start ? ledger.previousClip(ctx.serial, start) : null;
    const gapMs = recordingGapMs(previous?.recordingEnd ?? null, start, rules);
    const changed = result.sourceChanged || result.size !== entry.size;
    const flags = [
      ...(late ? ['late'] : []),
      ...(gapMs !== null ? ['gap'] : []),
      ...(times.damaged ? ['damaged'] : []),
      ...(changed ? ['changed'] : []),
    ];
    const sealed = ledger.transaction(() => {
      const clip = ledger.recordSeal(
        {
          ...result,
          sourcePath: entry.relPath,
          sourceMtimeMs: entry.mtimeMs,
          headSha256: result.headSha256,
        },
        {
          serial: ctx.serial,
          sessionId: ctx.sessionId,
          recordingStart: start,
          recordingEnd: end,
          durationMs: times.durationMs,
          flags,
        },
      );
      ledger.clipTiming({
        clipId: clip.id,
        timeSource: times.source,
        rawStart: times.start,
        rawEnd: times.end,
        clockSkewMs: ctx.clockSkewMs,
      });
      const base = { serial: ctx.serial, clipId: clip.id, sourcePath: entry.relPath };
      if (late) {
        const sealedMs = result.sealedAt.getTime();
        const endedMs = (end ?? start ?? result.sealedAt).getTime();
        const hoursLate = Math.floor((sealedMs - endedMs) / 3_600_000);
        ledger.openAlert(dockAlerts.lateClip({ ...base, hoursLate, limitHours: rules.lateIngestHours }));
      }
      if (gapMs !== null && previous) {
        ledger.openAlert(
          dockAlerts.recordingGap({
            ...base,
            previousClipId: previous.id,
            gapMinutes: Math.round(gapMs / 60_000),
          }),
        );
      }
      if (times.damaged) ledger.openAlert(dockAlerts.damagedClip({ ...base, reason: times.damaged }));
      if (changed)
        ledger.openAlert(
          dockAlerts.fileChanged({ ...base, listedBytes: entry.size, sealedBytes: result.size }),
        );
      return clip;
    });
    failpoint('dock.seal.committed', entry.relPath);
    return sealed;
  }
}
