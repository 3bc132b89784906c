import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import {
  HELD_SERIAL,
  loggedIn,
  startWebFixture,
  WEB_ROLES,
  WebClient,
  type WebFixture,
} from '../fixtures/web/web-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

function lastLog(ledger: Ledger): { username: string; action: string; target: string } | undefined {
  return ledger.readHandle.prepare('SELECT * FROM access_log ORDER BY seq DESC LIMIT 1').get() as
    | { username: string; action: string; target: string }
    | undefined;
}

describe('web page: the forms of recorders, alerts, users, reports and the access log', () => {
  let fx: WebFixture;
  const c = {} as Record<AccountRole, WebClient>;

  before(async () => {
    fx = await startWebFixture();
    for (const role of WEB_ROLES) c[role] = await loggedIn(fx, role);
  });
  after(() => fx.close());

  it('accepting a held recorder registers it with what the dock saw and tells the dock', async () => {
    const recorders = await c.manager.get('/recorders');
    assert.match(recorders.text, new RegExp(`id="held-recorders"[\\s\\S]*data-serial="${HELD_SERIAL}"`));
    const res = await c.manager.post(`/recorders/${HELD_SERIAL}/accept`, { back: '/' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/?done=saved');
    const rec = fx.ledger.find.recorder(HELD_SERIAL);
    assert.equal(rec?.model, 'DSJ-X1');
    assert.equal(rec?.fingerprint, 'usb:1234:9999');
    assert.deepEqual(fx.decisions, [{ serial: HELD_SERIAL, decision: 'accept' }]);
    assert.equal(
      fx.ledger.queries.openAlerts().some((a) => a.subject === `recorder:${HELD_SERIAL}`),
      false,
    );
    const again = await c.manager.post(`/recorders/${HELD_SERIAL}/reject`, { back: '/recorders' });
    assert.equal(again.status, 400);
    assert.match(again.text, /id="recorder-table"/);
    assert.equal(fx.decisions.length, 1);
  });

  it('rejecting a held recorder resolves its alert as rejected without registering it', async () => {
    fx.ledger.openAlert(testAlert('identity-changed', 'recorder:ZFY0777', { detail: '{}' }));
    const res = await c.manager.post('/recorders/ZFY0777/reject', { back: '/recorders' });
    assert.equal(res.status, 303);
    assert.equal(fx.ledger.find.recorder('ZFY0777'), null);
    assert.deepEqual(fx.decisions.at(-1), { serial: 'ZFY0777', decision: 'reject' });
  });

  it('registers a recorder and an officer, and binds them (explaining when it reaches the device)', async () => {
    assert.equal(
      (await c.manager.post('/recorders', { serial: 'ZFY0100', model: 'DSJ-V9', vendor: 'Acme' })).status,
      303,
    );
    assert.equal(
      (await c.manager.post('/officers', { officerNo: '310100', name: '孙八', unit: '执法队' })).status,
      303,
    );
    assert.equal(
      (await c.manager.post('/recorders/bind', { serial: 'ZFY0100', officerNo: '310100' })).status,
      303,
    );
    assert.equal(fx.ledger.accessQueries.binding('ZFY0100')?.officerNo, '310100');
    const page = await c.manager.get('/recorders');
    assert.match(page.text, /<tr data-serial="ZFY0100" data-status="in_service">[\s\S]*?310100 孙八/);
    assert.match(page.text, /下次接入采集站时写入设备/);
    const refused = await c.manager.post('/recorders/bind', { serial: 'ZFY0100', officerNo: '999999' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /class="flash error" role="alert">the officer 999999 is not registered/);
    const missing = await c.manager.post('/recorders', { serial: '  ' });
    assert.equal(missing.status, 400);
  });

  it('a fault report shows its 24-hour deadline and whether it was met; resolving puts it back in service', async () => {
    const observed = new Date(fx.clock.now().getTime() - 2 * 86_400_000);
    const local = new Date(observed.getTime() + 8 * 3_600_000).toISOString().slice(0, 16); // Asia/Shanghai
    const res = await c.manager.post('/recorders/fault', {
      serial: 'ZFY0100',
      observedAt: local,
      description: '屏幕不亮',
    });
    assert.equal(res.status, 303);
    const fault = fx.ledger.queries.openFaults().find((f) => f.serial === 'ZFY0100');
    assert.ok(fault);
    assert.equal(fault.observedAt.toISOString(), observed.toISOString().replace(/:\d\d\.\d+Z$/, ':00.000Z'));
    assert.equal(fault.deadlineMet, false);
    assert.equal(fault.reportedBy, 'manager1');
    assert.equal(fx.ledger.find.recorder('ZFY0100')?.status, 'faulty');
    const page = await c.manager.get('/recorders');
    assert.match(page.text, new RegExp(`data-fault="${fault.id}"[\\s\\S]*?逾期报告`));
    const future = await c.manager.post('/recorders/fault', {
      serial: 'ZFY0100',
      observedAt: '2099-01-01T00:00',
      description: 'x',
    });
    assert.equal(future.status, 400);
    const resolved = await c.manager.post(`/faults/${fault.id}/resolve`, {
      note: 'replaced',
      inService: '1',
    });
    assert.equal(resolved.status, 303);
    assert.equal(fx.ledger.find.recorder('ZFY0100')?.status, 'in_service');
  });

  it('retires a recorder with a reason', async () => {
    assert.equal(
      (await c.manager.post('/recorders/retire', { serial: 'ZFY0100', reason: 'end of life' })).status,
      303,
    );
    const rec = fx.ledger.find.recorder('ZFY0100');
    assert.equal(rec?.status, 'retired');
    assert.equal(rec?.statusReason, 'end of life');
  });

  it('resolves an alert with a note and shows who resolved it', async () => {
    const late = fx.ledger.queries.openAlerts().find((a) => a.kind === 'late-clip');
    assert.ok(late);
    const res = await c.manager.post(`/alerts/${late.id}/resolve`, { note: 'uploaded after patrol' });
    assert.equal(res.status, 303);
    const page = await c.auditor.get('/alerts');
    assert.match(
      page.text,
      new RegExp(
        `id="resolved-alert-table"[\\s\\S]*data-alert="${late.id}"[\\s\\S]*?manager1[\\s\\S]*?uploaded after patrol`,
      ),
    );
    assert.doesNotMatch(page.text, /class="inline resolve-form"/, 'an auditor sees resolve buttons');
  });

  it('explains a recording gap with two signing officers (R9)', async () => {
    const gap = fx.ledger.queries.openAlerts().find((a) => a.kind === 'recording-gap');
    assert.ok(gap);
    const res = await c.manager.post(`/alerts/${gap.id}/explain`, {
      text: 'battery ran out during the inspection',
      signedBy: ['310001', '310002', ''],
    });
    assert.equal(res.status, 303);
    assert.equal(fx.ledger.sessionRecords.gapExplanation(gap.id)?.signedBy.join(','), '310001,310002');
  });

  it('an administrator adds, changes and disables accounts; the policy errors show on the page', async () => {
    const weak = await c.admin.post('/users', { username: 'clerk2', role: 'auditor', password: 'short' });
    assert.equal(weak.status, 400);
    assert.match(weak.text, /the password is not accepted/);
    assert.equal(fx.ledger.accessQueries.account('clerk2'), null);
    const noOfficer = await c.admin.post('/users', {
      username: 'cop2',
      role: 'officer',
      password: 'Long-enough-77',
    });
    assert.equal(noOfficer.status, 400);
    const added = await c.admin.post('/users', {
      username: 'clerk2',
      role: 'auditor',
      password: 'Long-enough-77',
    });
    assert.equal(added.status, 303);
    const clerk = new WebClient(fx.url);
    assert.equal((await clerk.login('clerk2', 'Long-enough-77')).status, 303);
    assert.equal((await clerk.get('/access-log')).status, 200);
    assert.equal((await c.admin.post('/users/clerk2/role', { role: 'manager' })).status, 303);
    assert.equal(fx.ledger.accessQueries.account('clerk2')?.role, 'manager');
    assert.equal((await clerk.get('/access-log')).status, 403, 'the new role applies at once');
    assert.equal((await c.admin.post('/users/clerk2/disabled', { disabled: '1' })).status, 303);
    assert.equal((await clerk.get('/ledger')).status, 303, 'a disabled account is logged out');
    const page = await c.admin.get('/users');
    assert.match(page.text, /data-username="clerk2" data-disabled="true"/);
    const lastAdmin = await c.admin.post('/users/admin1/disabled', { disabled: '1' });
    assert.equal(lastAdmin.status, 400);
    assert.equal(fx.ledger.accessQueries.account('admin1')?.disabled, false);
  });

  it('reports: a year of inventory, handover and statistics, each view and download logged', async () => {
    const page = await c.supervisor.get('/reports?name=statistics&year=2025');
    assert.equal(page.status, 200);
    assert.match(page.text, /<section class="report" data-table="/);
    assert.deepEqual(
      { ...lastLog(fx.ledger) },
      {
        ...lastLog(fx.ledger),
        username: 'supervisor1',
        action: 'report',
        target: 'report:statistics:2025:view',
      },
    );
    for (const name of ['inventory', 'handover']) {
      assert.equal((await c.auditor.get(`/reports?name=${name}&year=2025`)).status, 200, name);
    }
    const csv = await c.manager.get('/reports.csv?name=inventory&year=2025');
    assert.equal(csv.status, 200);
    assert.equal(csv.body.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.match(String(csv.headers['content-disposition']), /filename="inventory-2025\.csv"/);
    assert.equal(lastLog(fx.ledger)?.target, 'report:inventory:2025:csv');
    const xlsx = await c.manager.get('/reports.xlsx?name=handover&year=2025');
    assert.equal(xlsx.body.subarray(0, 2).toString('latin1'), 'PK');
    assert.equal((await c.manager.get('/reports?name=secrets&year=2025')).status, 400);
    assert.equal((await c.manager.get('/reports?name=inventory&year=1999')).status, 400);
  });

  it('the access log page lists accesses by date and logs its own viewing', async () => {
    const res = await c.auditor.get('/access-log?from=2025-02-01&to=2025-03-31');
    assert.equal(res.status, 200);
    assert.match(res.text, /data-action="report"/);
    const log = lastLog(fx.ledger);
    assert.equal(log?.action, 'access-log');
    assert.equal(log?.username, 'auditor1');
    assert.equal(log?.target, 'access-log:from=2025-02-01,to=2025-03-31');
    assert.equal((await c.auditor.get('/access-log?from=2025-13-01')).status, 400);
  });
});
