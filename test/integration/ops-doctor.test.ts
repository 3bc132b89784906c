import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { doctorChecks, doctorContext, productionHost } from '../../agent/cli/doctor-command.ts';
import { centralStoreCheck } from '../../agent/doctor/central-store-check.ts';
import { runDoctor } from '../../agent/doctor/doctor-check.ts';
import { ledgerCheck } from '../../agent/doctor/ledger-check.ts';
import { forwardStateFile, writeForwardState } from '../../agent/forwarder/forward-state.ts';
import { Ledger } from '../../agent/ledger/ledger.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('dockctl doctor', () => {
  let dir: string;
  let configFile: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'doctor-int-'));
    configFile = path.join(dir, 'config.yaml');
    await writeFile(configFile, `version: 2\npaths:\n  stateDir: ${dir}/state\n  runDir: ${dir}/run\n`);
    const ledger = await Ledger.open(
      testLedgerOptions(pathsUnder(path.join(dir, 'state'), path.join(dir, 'run'))),
    );
    ledger.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints a line per check as JSON and exits 1 when one fails (this machine has no USB bus)', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'agent/bin/dockctl.ts', 'doctor', '--config', configFile, '--json'],
        { cwd: REPO },
        (err, out) => resolve({ code: err ? Number(err.code) : 0, stdout: out }),
      ),
    );
    const report = JSON.parse(stdout) as {
      checks: { name: string; status: string; summary: string; fix?: string }[];
    };
    assert.deepEqual(
      report.checks.map((c) => c.name),
      [
        'config',
        'state folder',
        'vault',
        'ledger',
        'usb bus',
        'udev',
        'recorder rules',
        'device modules',
        'recorder ports',
        'mount helper',
        'vendor sdk',
        'time sync',
        'time zone',
        'central store',
        'off-site copy',
      ],
    );
    const by = (name: string) => report.checks.find((c) => c.name === name);
    assert.equal(by('config')?.status, 'pass');
    assert.equal(by('ledger')?.status, 'pass');
    assert.match(by('ledger')?.summary ?? '', /chain head seq 1 verifies/);
    assert.equal(by('usb bus')?.status, 'fail', 'no /sys/bus/usb on this machine');
    assert.equal(by('off-site copy')?.status, 'warn');
    assert.match(by('off-site copy')?.summary ?? '', /not off-site \(R2\)/);
    assert.ok(
      report.checks.every((c) => c.status === 'pass' || (c.fix ?? '').length > 0),
      'every failure says what to do',
    );
    assert.equal(code, 1);
  });

  it('finds a ledger whose chain head was edited', async () => {
    const state = path.join(dir, 'state');
    const db = new Database(path.join(state, 'ledger.db'));
    db.exec(
      'DROP TRIGGER events_no_update; UPDATE events SET body = replace(body, \'"v":1\', \'"v":1 \') WHERE seq = 1;',
    );
    db.close();
    const ctx = await doctorContext(configFile, productionHost());
    const [line] = await runDoctor([ledgerCheck], ctx);
    assert.equal(line?.status, 'fail');
    assert.match(line?.summary ?? '', /seq 1\) does not verify/);
    assert.match(line?.fix ?? '', /dockctl verify/);
  });

  it('central store: reports what the running forwarder last saw, and the outbox after its cursor', async () => {
    const ctx = await doctorContext(configFile, productionHost());
    const [before] = await runDoctor([centralStoreCheck()], ctx);
    assert.equal(before?.status, 'pass', before?.summary);
    assert.match(before?.summary ?? '', /central-store.*; \d+ records waiting/);
    await writeForwardState(forwardStateFile(path.join(dir, 'state')), {
      v: 1,
      dock: 'dock-1',
      epoch: 'e1',
      target: 'https:store',
      targetDescription: 'https://store.county.example/api',
      ackedSeq: 0,
      ackedRecordId: null,
      parked: [],
      personalFields: 'sent',
      lastSuccessAt: null,
      lastAttemptAt: '2026-11-21T08:00:00.000Z',
      lastError: { at: '2026-11-21T08:00:00.000Z', code: 'ECONNREFUSED', message: 'connection refused' },
      failures: 3,
      nextAttemptAt: null,
    });
    const [down] = await runDoctor([centralStoreCheck()], ctx);
    assert.equal(down?.status, 'fail');
    assert.match(
      down?.summary ?? '',
      /not reachable: https:\/\/store\.county\.example\/api \(3 failed attempts; last: connection refused\)/,
    );
    assert.match(down?.fix ?? '', /dockctl forward status/);
  });

  it('runs every check on the defaults when the config is invalid, reporting the config first', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'version: 2\nrules: { wipePolicy: always }\n');
    const ctx = await doctorContext(bad, productionHost());
    assert.equal(ctx.loaded, null);
    const lines = await runDoctor(doctorChecks(), ctx);
    assert.equal(lines.length, doctorChecks().length);
    assert.equal(lines[0]?.status, 'fail');
    assert.match(lines[0]?.summary ?? '', /rules\.wipePolicy/);
  });
});
