import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, guardFormula, toCsv, toCsvTables } from '../../agent/reports/csv.ts';
import { bi, type TableModel } from '../../agent/reports/table-model.ts';

const ZONE = 'Asia/Shanghai';

function model(rows: TableModel['rows'], extra: Partial<TableModel> = {}): TableModel {
  return {
    name: 'test',
    title: bi('测试表', 'Test table'),
    columns: [
      { key: 'name', type: 'text', label: bi('姓名', 'Name') },
      { key: 'at', type: 'datetime', label: bi('时间', 'Time') },
      { key: 'n', type: 'int', label: bi('数量', 'Count') },
      {
        key: 'status',
        type: 'text',
        label: bi('状态', 'Status'),
        values: { in_service: bi('在用', 'in service') },
      },
    ],
    rows,
    ...extra,
  };
}

/** The lines of a CSV text without its byte order mark. */
function lines(csv: string): string[] {
  assert.ok(csv.startsWith('\ufeff'), 'starts with the UTF-8 byte order mark');
  assert.ok(csv.endsWith('\r\n'), 'ends with CRLF');
  return csv.slice(1, -2).split('\r\n');
}

describe('CSV for Excel', () => {
  it('starts with a BOM, ends every line with CRLF and has no bare LF', () => {
    const csv = toCsv(
      model([{ name: '张三', at: Date.UTC(2026, 10, 21, 0, 5), n: 3, status: null }]),
      'zh-CN',
      ZONE,
    );
    const bytes = Buffer.from(csv, 'utf8');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(csv.replaceAll('\r\n', '').includes('\n'), false);
    assert.deepEqual(lines(csv), ['测试表,,,', '姓名,时间,数量,状态', '张三,2026-11-21 08:05,3,']);
  });

  it('keeps Chinese text intact in UTF-8', () => {
    const csv = toCsv(
      model([{ name: '欧阳娜娜·綦江', at: null, n: null, status: 'in_service' }]),
      'zh-CN',
      ZONE,
    );
    const back = Buffer.from(csv, 'utf8').toString('utf8');
    assert.equal(lines(back)[2], '欧阳娜娜·綦江,,,在用');
  });

  it('quotes fields with commas, quotes, CR or LF as RFC 4180 says', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    const csv = toCsv(model([{ name: '李,"四"\n', at: null, n: 1, status: null }]), 'en', ZONE);
    assert.ok(csv.includes('\r\n"李,""四""\n",,1,\r\n'));
  });

  it('prefixes cells that start like a formula with a single quote', () => {
    assert.equal(guardFormula('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
    assert.equal(guardFormula('+1'), "'+1");
    assert.equal(guardFormula('-2+3'), "'-2+3");
    assert.equal(guardFormula('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(guardFormula('\tcmd'), "'\tcmd");
    assert.equal(guardFormula('\rcmd'), "'\rcmd");
    assert.equal(guardFormula('a=b'), 'a=b');
    assert.equal(guardFormula('张三'), '张三');
    // Guarded and quoted together: the quote goes inside the field.
    assert.equal(csvField('=1,2'), `"'=1,2"`);
    const csv = toCsv(model([{ name: "=cmd|' /C calc'!A0", at: null, n: null, status: null }]), 'en', ZONE);
    assert.equal(lines(csv)[2], `'=cmd|' /C calc'!A0,,,`);
  });

  it('guards the title, subtitle, labels and notes too', () => {
    const m: TableModel = {
      ...model([]),
      title: bi('=标题', '=Title'),
      subtitle: bi('@副标题', '@Sub'),
      notes: [bi('-注', '-note')],
    };
    assert.deepEqual(lines(toCsv(m, 'en', ZONE)), [
      "'=Title,,,",
      "'@Sub,,,",
      'Name,Time,Count,Status',
      ',,,',
      "'-note,,,",
    ]);
  });

  it('writes the totals row labelled in the chosen language, and the notes after an empty line', () => {
    const m = model([{ name: 'a', at: null, n: 2, status: null }], {
      totals: { n: 2 },
      notes: [bi('本表不含个人信息。', 'No personal data.')],
    });
    assert.deepEqual(lines(toCsv(m, 'zh-CN', ZONE)).slice(3), ['合计,,2,', ',,,', '本表不含个人信息。,,,']);
    assert.deepEqual(lines(toCsv(m, 'en', ZONE)).slice(3), ['Total,,2,', ',,,', 'No personal data.,,,']);
  });

  it('translates coded values and leaves unknown codes as they are', () => {
    const m = model([
      { name: 'x', at: null, n: null, status: 'in_service' },
      { name: 'y', at: null, n: null, status: '__proto__' },
    ]);
    assert.deepEqual(lines(toCsv(m, 'en', ZONE)).slice(2), ['x,,,in service', 'y,,,__proto__']);
  });

  it('puts several tables in one file with one BOM and an empty line between them', () => {
    const csv = toCsvTables([model([]), { ...model([]), title: bi('第二表', 'Second') }], 'zh-CN', ZONE);
    assert.equal(csv.split('\ufeff').length, 2);
    assert.deepEqual(lines(csv), [
      '测试表,,,',
      '姓名,时间,数量,状态',
      '',
      '第二表,,,',
      '姓名,时间,数量,状态',
    ]);
  });
});
