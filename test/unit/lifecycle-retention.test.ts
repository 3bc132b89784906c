import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETENTION,
  lockUntil,
  monthsAfter,
  type RetentionFacts,
  retentionOf,
} from '../../agent/lifecycle/retention-policy.ts';

const SH = { ...DEFAULT_RETENTION, timeZone: 'Asia/Shanghai' };
const d = (iso: string) => new Date(iso);
const routine = (recordedAt: string): RetentionFacts => ({
  recordedAt: d(recordedAt),
  caseNo: null,
  caseClosedAt: null,
  lastExportAt: null,
  noValue: false,
});

describe('R3 retention ends', () => {
  it('routine: kept through the local anniversary day six months on', () => {
    // 2026-01-15 10:00 Beijing → kept through 2026-07-15 Beijing, i.e. until 2026-07-16 00:00 (+08:00).
    const r = retentionOf(routine('2026-01-15T02:00:00Z'), SH);
    assert.equal(r.retentionClass, 'routine');
    assert.equal(r.end?.toISOString(), '2026-07-15T16:00:00.000Z');
  });

  it('the local date decides: 20:00 UTC on 29 February is 1 March in Beijing', () => {
    const facts = routine('2024-02-29T20:00:00Z');
    assert.equal(
      retentionOf(facts, SH).end?.toISOString(),
      '2024-09-01T16:00:00.000Z',
      'Beijing: from 1 March',
    );
    assert.equal(
      retentionOf(facts, { ...SH, timeZone: 'UTC' }).end?.toISOString(),
      '2024-08-30T00:00:00.000Z',
      'UTC: from 29 February',
    );
  });

  it('leap years: 29 February plus a year has no 29 February, so it runs through 1 March', () => {
    assert.equal(
      monthsAfter(d('2024-02-29T04:00:00Z'), 12, 'Asia/Shanghai').toISOString(),
      '2025-03-01T16:00:00.000Z',
    );
    assert.equal(
      monthsAfter(d('2024-02-29T04:00:00Z'), 48, 'Asia/Shanghai').toISOString(),
      '2028-02-29T16:00:00.000Z',
    );
    // 31 August + 6 months: February has no 31st (in 2024, a leap year, nor a 30th).
    assert.equal(
      monthsAfter(d('2023-08-31T04:00:00Z'), 6, 'Asia/Shanghai').toISOString(),
      '2024-03-01T16:00:00.000Z',
    );
    // 29 August 2023 + 6 months is 29 February 2024, which exists.
    assert.equal(
      monthsAfter(d('2023-08-29T04:00:00Z'), 6, 'Asia/Shanghai').toISOString(),
      '2024-02-29T16:00:00.000Z',
    );
  });

  it('a zone with daylight saving ends at local midnight, whatever the offset that day', () => {
    // Recorded 2026-01-10 in New York (UTC-5); six months on is July (UTC-4).
    const end = monthsAfter(d('2026-01-10T15:00:00Z'), 6, 'America/New_York');
    assert.equal(end.toISOString(), '2026-07-11T04:00:00.000Z');
  });

  it('exported footage: at least a year from its latest export, never shorter than routine', () => {
    const r = retentionOf(
      { ...routine('2026-01-15T02:00:00Z'), lastExportAt: d('2026-03-01T02:00:00Z') },
      SH,
    );
    assert.equal(r.retentionClass, 'exported');
    assert.equal(r.end?.toISOString(), '2027-03-01T16:00:00.000Z');
  });

  it('evidence: no end while the case is open; then the case file period after closing', () => {
    const open = retentionOf({ ...routine('2026-01-15T02:00:00Z'), caseNo: '(2026)综执字第12号' }, SH);
    assert.equal(open.retentionClass, 'evidence');
    assert.equal(open.end, null);
    const now = d('2026-06-01T00:00:00Z');
    assert.equal(lockUntil(open, SH, now).toISOString(), monthsAfter(now, 360, SH.timeZone).toISOString());
    const closed = retentionOf(
      {
        ...routine('2026-01-15T02:00:00Z'),
        caseNo: '(2026)综执字第12号',
        caseClosedAt: d('2026-05-20T02:00:00Z'),
      },
      { ...SH, evidenceMonthsAfterClose: 24 },
    );
    assert.equal(closed.end?.toISOString(), '2028-05-20T16:00:00.000Z');
  });

  it('no value: its own period replaces the routine one, and a stronger class still wins', () => {
    const policy = { ...SH, routineMonths: 12 };
    const r = retentionOf({ ...routine('2026-01-15T02:00:00Z'), noValue: true }, policy);
    assert.equal(r.retentionClass, 'no-value');
    assert.equal(r.end?.toISOString(), '2026-07-15T16:00:00.000Z');
    const exported = retentionOf(
      { ...routine('2026-01-15T02:00:00Z'), noValue: true, lastExportAt: d('2026-02-01T00:00:00Z') },
      policy,
    );
    assert.equal(exported.retentionClass, 'exported');
  });
});
