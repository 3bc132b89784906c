/**
 * The township rules the dock applies to each clip, with the strictest town's figures as
 * defaults (REGULATIONS.md): R1 late ingest, R9 recording gaps, and the wipe policy.
 */
export interface DockRules {
  /** R1: a clip sealed more than this many hours after its recording ended is late (default 24; one town allows 48). */
  readonly lateIngestHours: number;
  /** R9: consecutive clips further apart than this within one shift mean recording stopped. */
  readonly gapThresholdSeconds: number;
  /** Clips further apart than this belong to different shifts: no gap item between them. */
  readonly shiftBreakHours: number;
  /** When a sealed file is deleted from the recorder. The recorder is never formatted. */
  readonly wipePolicy: 'never' | 'after-seal' | 'after-forward-ack';
  /** The recorders' local time zone, for vendor file names (default UTC+8, Asia/Shanghai). */
  readonly deviceUtcOffsetMinutes: number;
  /** R7: below this battery level a recorder is shown as not ready. */
  readonly minBatteryPct: number;
  /** R7: below this free storage a recorder is shown as not ready. */
  readonly minFreeBytes: number;
  /** A file that fails to read (a bad sector) is tried at this many docks, then left alone. */
  readonly maxReadAttempts: number;
}

/** Defaults: the strictest figures of the towns in REGULATIONS.md. */
export const DEFAULT_DOCK_RULES: DockRules = {
  lateIngestHours: 24,
  gapThresholdSeconds: 60,
  shiftBreakHours: 4,
  wipePolicy: 'after-seal',
  deviceUtcOffsetMinutes: 480,
  minBatteryPct: 30,
  minFreeBytes: 4 * 1024 ** 3,
  maxReadAttempts: 3,
};

/** A time read from the recorder, corrected by its measured clock skew (device − host). */
export function corrected(raw: Date | null, skewMs: number | null): Date | null {
  if (raw === null) return null;
  return skewMs === null ? raw : new Date(raw.getTime() - skewMs);
}

/** R1: true when the recording ended more than the limit before the seal. */
export function isLate(recordingEnd: Date | null, sealedAt: Date, rules: DockRules): boolean {
  if (recordingEnd === null) return false;
  return sealedAt.getTime() - recordingEnd.getTime() > rules.lateIngestHours * 3_600_000;
}

/**
 * R9: the gap in ms between a recorder's previous clip and this one when it is a recording gap
 * (longer than the threshold, shorter than a shift break), else null.
 */
export function recordingGapMs(
  previousEnd: Date | null,
  start: Date | null,
  rules: DockRules,
): number | null {
  if (previousEnd === null || start === null) return null;
  const gap = start.getTime() - previousEnd.getTime();
  if (gap <= rules.gapThresholdSeconds * 1000) return null;
  if (gap >= rules.shiftBreakHours * 3_600_000) return null;
  return gap;
}
