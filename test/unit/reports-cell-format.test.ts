import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes } from '../../agent/reports/byte-format.ts';
import { cellText, formatCell, PAGE_EMPTY } from '../../agent/reports/cell-format.ts';
import { bi, labelledTotals, type TableModel } from '../../agent/reports/table-model.ts';
import {
  UnknownTimeZoneError,
  wallClockAsUtcDate,
  zonedInstant,
  zoneOffsetMs,
} from '../../agent/time/zoned-time.ts';

const SHANGHAI = 'Asia/Shanghai';
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe('formatCell', () => {
  it('shows date-times in the dock’s zone as 2026-11-21 08:05', () => {
    const t = Date.UTC(2026, 10, 21, 0, 5, 59);
    assert.equal(formatCell(t, 'datetime', 'zh-CN', SHANGHAI), '2026-11-21 08:05');
    assert.equal(formatCell(t, 'datetime', 'en', 'UTC'), '2026-11-21 00:05');
    assert.equal(formatCell(t, 'datetime', 'zh-CN', 'Asia/Urumqi'), '2026-11-21 06:05');
  });

  it('shows dates on the local day, which may differ from the UTC day', () => {
    const t = Date.UTC(2025, 11, 31, 16, 30); // 2026-01-01 00:30 in Beijing
    assert.equal(formatCell(t, 'date', 'zh-CN', SHANGHAI), '2026-01-01');
    assert.equal(formatCell(t, 'date', 'en', 'UTC'), '2025-12-31');
  });

  it('uses hours 00–23, never 24', () => {
    assert.equal(formatCell(Date.UTC(2026, 0, 1, 16, 0), 'datetime', 'en', SHANGHAI), '2026-01-02 00:00');
  });

  it('shows bytes as MiB or GiB with one decimal', () => {
    assert.equal(formatCell(0, 'bytes', 'zh-CN', SHANGHAI), '0.0 MiB');
    assert.equal(formatCell(350 * MIB + 200 * 1024, 'bytes', 'zh-CN', SHANGHAI), '350.2 MiB');
    assert.equal(formatCell(1.5 * GIB, 'bytes', 'en', SHANGHAI), '1.5 GiB');
    assert.equal(formatCell(64e9, 'bytes', 'en', SHANGHAI), '59.6 GiB');
    assert.equal(formatBytes(1024 * MIB - 1024, 'MiB'), '1.0 GiB');
    assert.equal(formatBytes(1000 * MIB, 'MiB'), '1000.0 MiB');
  });

  it('shows hours (cells hold milliseconds) with one decimal', () => {
    assert.equal(formatCell(5_400_000, 'hours', 'zh-CN', SHANGHAI), '1.5');
    assert.equal(formatCell(0, 'hours', 'en', SHANGHAI), '0.0');
    assert.equal(formatCell(36_000_000 * 12.34, 'hours', 'en', SHANGHAI), '123.4');
  });

  it('shows percent with % and integers as whole numbers', () => {
    assert.equal(formatCell(85, 'percent', 'zh-CN', SHANGHAI), '85%');
    assert.equal(formatCell(0, 'percent', 'en', SHANGHAI), '0%');
    assert.equal(formatCell(12345, 'int', 'en', SHANGHAI), '12345');
  });

  it('shows null as empty for CSV and as — on the page', () => {
    for (const type of ['text', 'int', 'date', 'datetime', 'bytes', 'hours', 'percent'] as const) {
      assert.equal(formatCell(null, type, 'zh-CN', SHANGHAI), '');
      assert.equal(formatCell(null, type, 'zh-CN', SHANGHAI, PAGE_EMPTY), '—');
    }
  });

  it('passes strings in typed columns through (a totals label) and text as it is', () => {
    assert.equal(formatCell('合计', 'datetime', 'zh-CN', SHANGHAI), '合计');
    assert.equal(formatCell('<b>x</b>', 'text', 'en', SHANGHAI), '<b>x</b>');
    assert.equal(formatCell(42, 'text', 'en', SHANGHAI), '42');
  });

  it('refuses a zone the system does not know with a typed error', () => {
    assert.throws(() => formatCell(0, 'datetime', 'en', 'Mars/Olympus'), UnknownTimeZoneError);
  });
});

describe('cellText and totals', () => {
  const column = {
    key: 'status',
    type: 'text' as const,
    label: bi('状态', 'Status'),
    values: { faulty: bi('故障', 'faulty') },
  };

  it('translates coded values in both languages and leaves others alone', () => {
    assert.equal(cellText(column, 'faulty', 'zh-CN', SHANGHAI), '故障');
    assert.equal(cellText(column, 'faulty', 'en', SHANGHAI), 'faulty');
    assert.equal(cellText(column, 'constructor', 'en', SHANGHAI), 'constructor');
    assert.equal(cellText(column, undefined, 'en', SHANGHAI, PAGE_EMPTY), '—');
  });

  it('labels the totals row in its first column unless that cell has a value', () => {
    const model: TableModel = {
      name: 't',
      title: bi('表', 'Table'),
      columns: [column, { key: 'n', type: 'int', label: bi('数', 'N') }],
      rows: [],
      totals: { n: 3 },
    };
    assert.deepEqual(labelledTotals(model, 'zh-CN'), { n: 3, status: '合计' });
    assert.deepEqual(labelledTotals(model, 'en'), { n: 3, status: 'Total' });
    assert.deepEqual(labelledTotals({ ...model, totals: { status: 'x', n: 1 } }, 'en'), {
      status: 'x',
      n: 1,
    });
    assert.equal(labelledTotals({ ...model, totals: undefined }, 'en'), null);
  });
});

describe('zoned time', () => {
  it('finds local midnight of a day in the zone', () => {
    assert.equal(zonedInstant(SHANGHAI, 2026, 1, 1), Date.UTC(2025, 11, 31, 16));
    assert.equal(zonedInstant(SHANGHAI, 2025, 13, 1), Date.UTC(2025, 11, 31, 16), 'month 13 rolls over');
    assert.equal(zonedInstant('UTC', 2026, 3, 1), Date.UTC(2026, 2, 1));
  });

  it('handles a daylight-saving zone on both sides of the change', () => {
    // New York: EST (−5 h) before 8 March 2026 02:00, EDT (−4 h) after.
    assert.equal(zonedInstant('America/New_York', 2026, 3, 8), Date.UTC(2026, 2, 8, 5));
    assert.equal(zonedInstant('America/New_York', 2026, 3, 9), Date.UTC(2026, 2, 9, 4));
    assert.equal(zoneOffsetMs(Date.UTC(2026, 6, 1), 'America/New_York'), -4 * 3_600_000);
  });

  it('turns an instant into a Date whose UTC fields are the local wall clock', () => {
    assert.equal(
      wallClockAsUtcDate(Date.UTC(2026, 10, 21, 0, 5), SHANGHAI).toISOString(),
      '2026-11-21T08:05:00.000Z',
    );
  });
});
