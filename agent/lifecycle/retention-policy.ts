import { wallClock, zonedInstant } from '../time/zoned-time.ts';

/** R3 retention classes, strongest first. */
export type RetentionClass = 'evidence' | 'exported' | 'routine' | 'no-value';

/** Every class, strongest first (the order the page lists them). */
export const RETENTION_CLASSES: readonly RetentionClass[] = ['evidence', 'exported', 'routine', 'no-value'];

/** The configured periods (config `retention`), in calendar months, and the dock's time zone. */
export interface RetentionPolicy {
  /** Routine footage: at least this long after it was recorded (R3: ≥ 6 months). */
  readonly routineMonths: number;
  /** Evidence in a case: as long as the case file, i.e. until the case is closed plus this. */
  readonly evidenceMonthsAfterClose: number;
  /** Exported footage: at least this long after its latest export (R3: ≥ 1 year). */
  readonly exportedMonths: number;
  /** Footage the manager marked as of no value: this long after it was recorded. */
  readonly noValueMonths: number;
  readonly timeZone: string;
}

/** The township defaults (R3); the evidence period is the longest fixed case-file period, 30 years. */
export const DEFAULT_RETENTION: Omit<RetentionPolicy, 'timeZone'> = {
  routineMonths: 6,
  evidenceMonthsAfterClose: 360,
  exportedMonths: 12,
  noValueMonths: 6,
};

/** What a clip's retention depends on. */
export interface RetentionFacts {
  /** When it was recorded (the recording start, else its seal time). */
  readonly recordedAt: Date;
  /** Its case number (案号): a labelled case number makes it evidence. */
  readonly caseNo: string | null;
  /** When that case was closed, or null while it is open. */
  readonly caseClosedAt: Date | null;
  /** Its latest export, or null. */
  readonly lastExportAt: Date | null;
  /** The manager marked it as of no value. */
  readonly noValue: boolean;
}

/** A clip's class and retention end (null: no end yet, the case is open). */
export interface Retention {
  readonly retentionClass: RetentionClass;
  readonly end: Date | null;
}

/**
 * The end of the local day `months` calendar months after `at`'s local date in `timeZone`: the
 * footage is kept through the whole anniversary day. A day the target month lacks (31 August + 6
 * months) moves on to the 1st of the next month, so the period is never shorter than asked.
 */
export function monthsAfter(at: Date, months: number, timeZone: string): Date {
  const local = wallClock(at.getTime(), timeZone);
  const monthIndex = local.month - 1 + months;
  const year = local.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const anniversary =
    local.day <= daysInMonth ? { year, month, day: local.day } : { year, month: month + 1, day: 1 };
  return new Date(zonedInstant(timeZone, anniversary.year, anniversary.month, anniversary.day + 1));
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return null;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * A clip's retention class (the strongest that applies) and end (the latest of every rule that
 * applies: a clip both exported and evidence keeps the longer). Evidence in an open case has no
 * end. No-value replaces only the routine rule.
 */
export function retentionOf(facts: RetentionFacts, policy: RetentionPolicy): Retention {
  const tz = policy.timeZone;
  let end: Date | null = facts.noValue
    ? monthsAfter(facts.recordedAt, policy.noValueMonths, tz)
    : monthsAfter(facts.recordedAt, policy.routineMonths, tz);
  let retentionClass: RetentionClass = facts.noValue ? 'no-value' : 'routine';
  if (facts.lastExportAt) {
    end = later(end, monthsAfter(facts.lastExportAt, policy.exportedMonths, tz));
    retentionClass = 'exported';
  }
  if (facts.caseNo) {
    const closed = facts.caseClosedAt;
    end = later(end, closed ? monthsAfter(closed, policy.evidenceMonthsAfterClose, tz) : null);
    retentionClass = 'evidence';
  }
  return { retentionClass, end };
}

/**
 * The retain-until date to lock an off-site copy with: the retention end, or for an open case the
 * earliest it could end (closed today), which a later lock sync extends.
 */
export function lockUntil(r: Retention, policy: RetentionPolicy, now: Date): Date {
  return r.end ?? monthsAfter(now, policy.evidenceMonthsAfterClose, policy.timeZone);
}
