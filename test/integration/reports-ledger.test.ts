import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createReportCommand } from '../../agent/cli/report-command.ts';
import { EMBEDDED_DEFAULTS_FILE } from '../../agent/config/config-loader.ts';
import { cellText } from '../../agent/reports/cell-format.ts';
import { toCsv } from '../../agent/reports/csv.ts';
import { ledgerTable } from '../../agent/reports/ledger-table.ts';
import { buildReport, REPORT_NAMES } from '../../agent/reports/report-catalog.ts';
import { ReportQueries } from '../../agent/reports/report-queries.ts';
import type { TableModel } from '../../agent/reports/table-model.ts';
import { toXlsx, toXlsxWorkbook } from '../../agent/reports/xlsx.ts';
import { tempState } from '../fixtures/ledger/ledger-fixture.ts';
import {
  arrayBufferOf,
  buildWorld,
  captured,
  HANDOVER_AT,
  local,
  MIB,
  texts,
  type World,
  ZONE,
} from '../fixtures/reports/report-world.ts';
import { assertTotalsFromRows } from '../helpers/report-totals.ts';

describe('reports from a real ledger', () => {
  const state = tempState('reports-');
  let world: World;
  before(async () => {
    world = await buildWorld(state.paths);
  });
  after(() => {
    world?.ledger.close();
    state.cleanup();
  });

  const year2025 = { from: local('2025-01-01T00:00:00'), to: local('2026-01-01T00:00:00'), timeZone: ZONE };

  it('ledger table: one row per check-out and per docking without one, with exact figures', () => {
    const t = ledgerTable(ReportQueries.of(world.ledger), year2025);
    assert.equal(t.subtitle?.['zh-CN'], '统计期间：2025-01-01 至 2025-12-31');
    assertTotalsFromRows(t, ZONE);
    assert.deepEqual(
      t.rows.map((r) => texts(t, r)),
      [
        {
          serial: 'A001',
          model: 'DSJ-A',
          officerNo: '310001',
          officerName: '张三',
          checkedOutAt: '',
          outBatteryPct: '',
          outFreeBytes: '',
          checkedInAt: '2025-01-01 00:30',
          inBatteryPct: '80%',
          clips: '1',
          hours: '0.5',
          late: '0',
          dockings: '1',
          remark: '无领用登记',
        },
        {
          serial: 'A001',
          model: 'DSJ-A',
          officerNo: '310001',
          officerName: '张三',
          checkedOutAt: '2025-01-02 09:00',
          outBatteryPct: '100%',
          outFreeBytes: '60.0 GiB',
          checkedInAt: '2025-01-03 18:00',
          inBatteryPct: '40%',
          clips: '4',
          hours: '2.0',
          late: '1',
          dockings: '1',
          remark: '',
        },
        {
          serial: 'A001',
          model: 'DSJ-A',
          officerNo: '310002',
          officerName: '李四',
          checkedOutAt: '2025-01-03 19:00',
          outBatteryPct: '95%',
          outFreeBytes: '58.0 GiB',
          checkedInAt: '',
          inBatteryPct: '',
          clips: '0',
          hours: '0.0',
          late: '0',
          dockings: '0',
          remark: '未归还',
        },
        {
          serial: 'B002',
          model: 'DSJ-B',
          officerNo: '310002',
          officerName: '李四',
          checkedOutAt: '2025-02-10 08:00',
          outBatteryPct: '90%',
          outFreeBytes: '30.0 GiB',
          checkedInAt: '2025-02-10 20:00',
          inBatteryPct: '20%',
          clips: '2',
          hours: '2.0',
          late: '1',
          dockings: '1',
          remark: '',
        },
        {
          serial: 'B002',
          model: 'DSJ-B',
          officerNo: '310002',
          officerName: '李四',
          checkedOutAt: '',
          outBatteryPct: '',
          outFreeBytes: '',
          checkedInAt: '2025-02-10 21:00',
          inBatteryPct: '20%',
          clips: '0',
          hours: '0.0',
          late: '0',
          dockings: '1',
          remark: '无领用登记',
        },
      ],
    );
    assert.deepEqual(t.totals, { clips: 7, hours: 270 * 60_000, late: 2, dockings: 4 });
    assert.match(t.notes?.[0]?.['zh-CN'] ?? '', /领用 3 次（其中未归还 1 次），无领用登记的采集 2 次/);
  });

  it('ledger table of one recorder, one officer, and one day', () => {
    const a = ledgerTable(ReportQueries.of(world.ledger), { ...year2025, serial: 'A001' });
    assert.deepEqual(
      a.rows.map((r) => [r.officerNo, r.clips]),
      [
        ['310001', 1],
        ['310001', 4],
        ['310002', 0],
      ],
    );
    assert.equal(a.subtitle?.en, 'Period: 2025-01-01 to 2025-12-31; recorder A001');
    const o = ledgerTable(ReportQueries.of(world.ledger), { ...year2025, officerNo: '310002' });
    assert.deepEqual(
      o.rows.map((r) => [r.serial, r.remark]),
      [
        ['A001', 'out'],
        ['B002', null],
        ['B002', 'no-checkout'],
      ],
    );
    assert.deepEqual(o.totals, { clips: 2, hours: 120 * 60_000, late: 1, dockings: 2 });
    const both = ledgerTable(ReportQueries.of(world.ledger), {
      ...year2025,
      serial: 'B002',
      officerNo: '310001',
    });
    assert.equal(both.rows.length, 0);
    // 3 January: the check-out that began the day before and ended that evening, and the next one.
    const day = ledgerTable(ReportQueries.of(world.ledger), {
      from: local('2025-01-03T00:00:00'),
      to: local('2025-01-04T00:00:00'),
    });
    assert.deepEqual(
      day.rows.map((r) => [r.officerNo, r.clips, r.remark]),
      [
        ['310001', 4, null],
        ['310002', 0, 'out'],
      ],
    );
  });

  it('inventory of 2025: every recorder, the year’s use, faults and their deadline', () => {
    const [inv] = buildReport(ReportQueries.of(world.ledger), 'inventory', {
      year: 2025,
      at: HANDOVER_AT,
      timeZone: ZONE,
    });
    assert.ok(inv);
    assert.equal(inv.title['zh-CN'], '2025年度执法记录仪清查表');
    assert.equal(inv.subtitle?.['zh-CN'], '清查年度：2025年；共 3 台，其中在用 1 台、故障 1 台、报废 1 台');
    assert.deepEqual(
      inv.rows.map((r) => texts(inv, r)),
      [
        {
          serial: 'A001',
          model: 'DSJ-A',
          vendor: 'Acme',
          status: '在用',
          registeredAt: '2024-12-01',
          boundOfficerNo: '310001',
          boundOfficerName: '张三',
          checkouts: '2',
          dockings: '2',
          clips: '5',
          hours: '2.5',
          faults: '0',
          faultsOnTime: '0',
          lastDockedAt: '2025-01-03 18:00',
          physicalCheck: '',
          checkRemark: '',
        },
        {
          serial: 'B002',
          model: 'DSJ-B',
          vendor: 'Beta',
          status: '故障',
          registeredAt: '2024-12-01',
          boundOfficerNo: '310002',
          boundOfficerName: '李四',
          checkouts: '1',
          dockings: '2',
          clips: '2',
          hours: '2.0',
          faults: '1',
          faultsOnTime: '0',
          lastDockedAt: '2026-01-01 00:10',
          physicalCheck: '',
          checkRemark: '',
        },
        {
          serial: 'C003',
          model: 'DSJ-C',
          vendor: 'Gamma',
          status: '报废',
          registeredAt: '2024-12-01',
          boundOfficerNo: '',
          boundOfficerName: '',
          checkouts: '0',
          dockings: '0',
          clips: '0',
          hours: '0.0',
          faults: '1',
          faultsOnTime: '1',
          lastDockedAt: '',
          physicalCheck: '',
          checkRemark: '',
        },
      ],
    );
    assert.deepEqual(inv.totals, {
      checkouts: 3,
      dockings: 4,
      clips: 7,
      hours: 270 * 60_000,
      faults: 2,
      faultsOnTime: 1,
    });
    assert.equal(cellText(inv.columns[3]!, 'retired', 'en', ZONE), 'retired');
    assertTotalsFromRows(inv, ZONE);
    assert.equal(
      inv.columns.at(-2)?.label['zh-CN'],
      '实物清点（在位 / 缺失）',
      'a column for the physical count',
    );
  });

  it('handover list: who holds what, open faults and alerts, open items, signature lines', () => {
    const [recorders, items] = buildReport(ReportQueries.of(world.ledger), 'handover', {
      year: 2025,
      at: HANDOVER_AT,
      timeZone: ZONE,
    });
    assert.ok(recorders && items);
    assert.equal(recorders.subtitle?.['zh-CN'], '截至 2025-06-01 09:00；记录仪共 3 台，其中 1 台已领用在外');
    assert.deepEqual(
      recorders.rows.map((r) => texts(recorders, r)),
      [
        {
          serial: 'A001',
          model: 'DSJ-A',
          status: '在用',
          holderNo: '310002',
          holderName: '李四',
          checkedOutAt: '2025-01-03 19:00',
          openFaults: '0',
          openAlerts: '2',
        },
        {
          serial: 'B002',
          model: 'DSJ-B',
          status: '故障',
          holderNo: '',
          holderName: '',
          checkedOutAt: '',
          openFaults: '1',
          openAlerts: '0',
        },
        {
          serial: 'C003',
          model: 'DSJ-C',
          status: '报废',
          holderNo: '',
          holderName: '',
          checkedOutAt: '',
          openFaults: '0',
          openAlerts: '0',
        },
      ],
    );
    assert.deepEqual(recorders.totals, { holderNo: 1, openFaults: 1, openAlerts: 2 });
    assert.deepEqual(
      items.rows.map((r) => [
        r.category,
        r.kind,
        texts(items, r).subject,
        texts(items, r).at,
        r.by,
        r.clips,
        r.bytes,
      ]),
      [
        ['alert', 'late-clip', 'A001', '2025-01-03 18:00', null, null, null],
        ['alert', 'recording-gap', 'A001', '2025-01-03 18:00', null, null, null],
        ['alert', 'unknown-device', 'USB 接口 1-2', '2025-05-20 09:00', null, null, null],
        ['request', 'export', '', '2025-04-03 09:00', 'officer1', 2, null],
        ['export', 'package', '綦执罚〔2025〕12号', '2025-03-12 10:00', 'manager1', 2, 1536 * MIB],
      ],
    );
    assert.equal(texts(items, items.rows[0]!).kind, '逾期存储（R1）');
    // Each open alert's text in Chinese from its facts, never an English sentence or an id.
    for (const r of items.rows.filter((x) => x.category === 'alert')) {
      const zh = texts(items, r);
      assert.match(zh.detail ?? '', /[\u4e00-\u9fff]/, `${r.kind}: ${zh.detail}`);
      assert.doesNotMatch(`${zh.subject} ${zh.detail}`, /[0-9a-f]{8}-[0-9a-f]{4}|clip:|gap:/);
    }
    const notes = (items.notes ?? []).map((n) => n['zh-CN']).join('\n');
    for (const who of ['移交人', '接收人', '监交人'])
      assert.match(notes, new RegExp(`${who}.*签字：_+ +日期：`));
    // A year later the export has left custody, and the holder is as of that instant.
    const [, later] = buildReport(ReportQueries.of(world.ledger), 'handover', {
      year: 2026,
      at: new Date('2026-04-01T00:00:00Z'),
      timeZone: ZONE,
    });
    assert.equal(later?.rows.filter((r) => r.category === 'export').length, 0);
  });

  it('statistics of 2025 per Beijing month, with totals and no personal data', () => {
    const [s] = buildReport(ReportQueries.of(world.ledger), 'statistics', {
      year: 2025,
      at: HANDOVER_AT,
      timeZone: ZONE,
    });
    assert.ok(s);
    assert.equal(s.rows.length, 12);
    const month = (m: number) => texts(s, s.rows[m - 1]!);
    assert.deepEqual(month(1), {
      month: '2025-01',
      dockings: '2',
      officers: '1',
      clips: '5',
      hours: '2.5',
      bytes: '2.1 GiB',
      late: '1',
      gaps: '1',
      gapsExplained: '0',
      faults: '0',
      approved: '0',
      denied: '0',
      exports: '0',
    });
    assert.deepEqual(month(2), {
      month: '2025-02',
      dockings: '2',
      officers: '1',
      clips: '2',
      hours: '2.0',
      bytes: '3.0 GiB',
      late: '1',
      gaps: '1',
      gapsExplained: '1',
      faults: '1',
      approved: '0',
      denied: '0',
      exports: '0',
    });
    assert.deepEqual(month(3), {
      month: '2025-03',
      dockings: '0',
      officers: '0',
      clips: '0',
      hours: '0.0',
      bytes: '0.0 MiB',
      late: '0',
      gaps: '0',
      gapsExplained: '0',
      faults: '1',
      approved: '2',
      denied: '0',
      exports: '1',
    });
    assert.equal(month(4).denied, '1');
    assert.equal(month(12).dockings, '0', 'the docking of 1 January 2026 (Beijing) is not in 2025');
    assertTotalsFromRows(s, ZONE, ['officers']);
    const { bytes: _bytes, ...countTotals } = s.totals ?? {};
    assert.deepEqual(countTotals, {
      month: null,
      dockings: 4,
      officers: 2,
      clips: 7,
      hours: 270 * 60_000,
      late: 2,
      gaps: 2,
      gapsExplained: 1,
      faults: 2,
      approved: 2,
      denied: 1,
      exports: 1,
    });
    assert.match(s.notes?.[0]?.['zh-CN'] ?? '', /2026年1月31日前/);
    const csv = toCsv(s, 'zh-CN', ZONE);
    for (const personal of ['张三', '李四', '310001', '310002', 'officer1', 'manager1']) {
      assert.equal(csv.includes(personal), false, `${personal} is not in the statistics`);
    }
  });

  it('XLSX round trip: the workbook re-opens in exceljs with numbers, dates and a frozen header', async () => {
    const t = ledgerTable(ReportQueries.of(world.ledger), year2025);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBufferOf(await toXlsx(t, 'zh-CN', ZONE)));
    const ws = wb.worksheets[0]!;
    assert.equal(ws.name, '执法记录仪使用情况台账');
    assert.equal(ws.getCell('A1').value, '执法记录仪使用情况台账');
    assert.equal(ws.getCell('A2').value, '统计期间：2025-01-01 至 2025-12-31');
    assert.equal(ws.getRow(3).getCell(1).value, '记录仪编号');
    assert.equal(ws.getRow(3).font?.bold ?? ws.getRow(3).getCell(1).font?.bold, true);
    assert.deepEqual(
      ws.views[0] && { state: ws.views[0].state, ySplit: (ws.views[0] as { ySplit?: number }).ySplit },
      { state: 'frozen', ySplit: 3 },
    );
    const row = ws.getRow(5); // the second data row: check-out of 2 January
    assert.equal(row.getCell(1).value, 'A001');
    assert.equal(row.getCell(4).value, '张三');
    assert.equal(
      (row.getCell(5).value as Date).toISOString(),
      '2025-01-02T09:00:00.000Z',
      'local wall clock',
    );
    assert.equal(row.getCell(5).numFmt, 'yyyy-mm-dd hh:mm');
    assert.equal(row.getCell(6).value, 1);
    assert.equal(row.getCell(6).numFmt, '0%');
    assert.equal(row.getCell(7).value, 60);
    assert.equal(row.getCell(10).value, 4);
    assert.equal(row.getCell(11).value, 2);
    assert.equal(ws.getRow(4).getCell(5).value, null, 'empty cells stay empty');
    const totals = ws.getRow(9);
    assert.deepEqual(
      [totals.getCell(1).value, totals.getCell(10).value, totals.getCell(11).value, totals.getCell(13).value],
      ['合计', 7, 4.5, 4],
    );
    assert.ok((ws.getColumn(1).width ?? 0) >= 10 && (ws.getColumn(14).width ?? 0) >= 8);
    // The handover workbook has one sheet per table, in English too.
    const two = new ExcelJS.Workbook();
    const models = buildReport(ReportQueries.of(world.ledger), 'handover', {
      year: 2025,
      at: HANDOVER_AT,
      timeZone: ZONE,
    });
    await two.xlsx.load(arrayBufferOf(await toXlsxWorkbook(models, 'en', ZONE)));
    assert.deepEqual(
      two.worksheets.map((w) => w.name),
      ['Equipment handover list', 'Open items handed over'],
    );
    assert.equal(two.worksheets[1]?.getRow(4).getCell(2).value, 'Stored late (R1)');
  });

  it('XLSX keeps hostile text readable: control characters never break the file', async () => {
    const model: TableModel = {
      name: 'x',
      title: { 'zh-CN': '表[1]/:*?', en: 'T' },
      columns: [{ key: 'a', type: 'text', label: { 'zh-CN': 'A', en: 'A' } }],
      rows: [{ a: 'bad\u0001name\ud800=1+2' }],
    };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBufferOf(await toXlsx(model, 'zh-CN', ZONE)));
    assert.equal(wb.worksheets[0]?.name, '表 1');
    assert.equal(wb.worksheets[0]?.getCell('A3').value, 'bad\ufffdname\ufffd=1+2');
  });

  it('dockctl report writes CSV and XLSX files and prints tables', async () => {
    const command = createReportCommand({ now: () => HANDOVER_AT });
    const runIn = async (lang: string, argv: string[]) => {
      const io = captured();
      const code = await command.run({
        argv,
        stdout: io.out,
        stderr: io.err,
        env: { DOCK_CONFIG: EMBEDDED_DEFAULTS_FILE, LANG: lang }, // never the box's /etc file
      });
      return { code, ...io.text() };
    };
    const run = (...argv: string[]) => runIn('zh_CN.UTF-8', argv);
    const csvFile = path.join(world.dir, 'ledger.csv');
    const csvRun = await run(
      'ledger',
      '--from',
      '2025-01-01',
      '--to',
      '2025-12-31',
      '--format',
      'csv',
      '--out',
      csvFile,
      '--state',
      world.dir,
    );
    assert.equal(csvRun.code, 0, csvRun.stderr);
    assert.equal(csvRun.stdout, `报表已写入 ${csvFile}\n`);
    // A file is the office's document: Chinese whatever the terminal's language.
    const csvOnEnglish = await runIn('C.UTF-8', ['ledger', '--format', 'csv', '--state', world.dir]);
    assert.ok(
      csvOnEnglish.stdout.startsWith('\ufeff执法记录仪使用情况台账'),
      csvOnEnglish.stdout.slice(0, 40),
    );
    const csv = readFileSync(csvFile, 'utf8');
    const lines = csv.slice(1).split('\r\n');
    assert.ok(csv.startsWith('\ufeff执法记录仪使用情况台账'));
    assert.equal(lines[3], 'A001,DSJ-A,310001,张三,,,,2025-01-01 00:30,80%,1,0.5,0,1,无领用登记');
    assert.equal(lines[8], '合计,,,,,,,,,7,4.5,2,4,');

    const xlsxFile = path.join(world.dir, 'inventory.xlsx');
    const x = await run(
      'inventory',
      '--year',
      '2025',
      '--format',
      'xlsx',
      '--lang',
      'en',
      '--out',
      xlsxFile,
      '--state',
      world.dir,
      '--tz',
      ZONE,
    );
    assert.equal(x.code, 0, x.stderr);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    const ws = wb.worksheets[0]!;
    assert.equal(ws.getCell('A1').value, 'Recorder inventory 2025');
    assert.deepEqual(
      [ws.getRow(4).getCell(1).value, ws.getRow(4).getCell(4).value, ws.getRow(4).getCell(10).value],
      ['A001', 'in service', 5],
    );

    const table = await run('statistics', '--state', world.dir); // defaults to last year, as of 2025: 2024
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /2024年度执法音像记录统计/);
    const english = await runIn('C.UTF-8', ['statistics', '--state', world.dir]);
    assert.match(english.stdout, /^Total\s/m, 'a table on an English terminal is in English');
    const stats = await run('statistics', '--year', '2025', '--state', world.dir, '--lang', 'en');
    assert.match(stats.stdout, /^Total\s+4\s+2\s+7\s+4\.5\s+5\.1 GiB/m);
    const handover = await run('handover', '--format', 'json', '--state', world.dir);
    assert.deepEqual(
      JSON.parse(handover.stdout).tables.map((t: TableModel) => t.name),
      ['handover-recorders', 'handover-items'],
    );
  });

  it('dockctl report refuses bad input with the documented exit codes', async () => {
    const command = createReportCommand({ now: () => HANDOVER_AT });
    const run = async (...argv: string[]) => {
      const io = captured();
      const code = await command.run({ argv, stdout: io.out, stderr: io.err, env: {} });
      return { code, ...io.text() };
    };
    const xlsxToTerminal = await run('inventory', '--format', 'xlsx', '--state', world.dir, '--tz', ZONE);
    assert.equal(xlsxToTerminal.code, 64);
    assert.match(xlsxToTerminal.stderr, /--out FILE/);
    assert.equal((await run('inventory', '--year', '25', '--tz', ZONE)).code, 64);
    assert.equal((await run('ledger', '--from', '2025-02-30', '--tz', ZONE)).code, 64);
    assert.equal((await run('ledger', '--from', '2025-03-01', '--to', '2025-02-01', '--tz', ZONE)).code, 64);
    assert.equal((await run('inventory', '--recorder', 'A001', '--tz', ZONE)).code, 64);
    assert.equal((await run('audit', '--tz', ZONE, '--state', world.dir)).code, 64);
    assert.equal((await run('inventory', '--tz', 'Mars/Olympus')).code, 64);
    assert.equal((await run('inventory', '--format', 'pdf', '--tz', ZONE)).code, 64);
    const noLedger = await run('inventory', '--tz', ZONE, '--state', path.join(world.dir, 'nothing-here'));
    assert.equal(noLedger.code, 66);
    assert.match(noLedger.stderr, /there is no ledger/);
    const badConfig = await run(
      'inventory',
      '--config',
      path.join(world.dir, 'missing.yaml'),
      '--state',
      world.dir,
    );
    assert.equal(badConfig.code, 78);
    const unwritable = await run(
      'inventory',
      '--tz',
      ZONE,
      '--state',
      world.dir,
      '--format',
      'csv',
      '--out',
      path.join(world.dir, 'no', 'such', 'dir.csv'),
    );
    assert.equal(unwritable.code, 74);
    assert.equal((await run('--help')).code, 0);
    assert.deepEqual([...REPORT_NAMES], ['inventory', 'handover', 'statistics']);
  });
});
