import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import { NotifyUnavailableError } from '../../agent/ops/sd-notify.ts';
import { ServiceOps } from '../../agent/ops/service-ops.ts';
import { probeCheck } from '../../agent/ops/watchdog-checks.ts';

describe('ServiceOps', () => {
  it('notifies READY, then pings the watchdog while the checks pass, and STOPPING at the end', async () => {
    const sent: string[] = [];
    let ledgerOk = true;
    const ops = await ServiceOps.start({
      env: { NOTIFY_SOCKET: '/run/n.sock', WATCHDOG_USEC: '40000' },
      pid: 1,
      log: silentLogger(),
      version: '0.1.0',
      health: { host: '127.0.0.1', port: 0 },
      readiness: () => ({ ready: true, reasons: [] }),
      checks: [
        probeCheck('ledger', () => {
          if (!ledgerOk) throw new Error('closed');
        }),
      ],
      sender: () => (_address, message) => {
        sent.push(message);
        return 0;
      },
    });
    assert.deepEqual(sent, ['STATUS=starting']);
    ops.ready();
    await new Promise((r) => setTimeout(r, 90));
    const pings = sent.filter((m) => m === 'WATCHDOG=1').length;
    assert.ok(pings >= 2, `pinged ${pings} times`);
    ledgerOk = false;
    await new Promise((r) => setTimeout(r, 70));
    const after = sent.filter((m) => m === 'WATCHDOG=1').length;
    assert.ok(after <= pings + 1, 'no pings while a check fails');
    assert.ok(sent.some((m) => m.startsWith('STATUS=unhealthy: ledger: closed')));
    await ops.stop();
    assert.equal(sent.at(-1), 'STOPPING=1\nSTATUS=stopping');
    assert.equal(sent[1], 'READY=1\nSTATUS=ready: waiting for recorders');
  });

  it('refuses to start (exit 78) when the unit wants a watchdog it cannot have', async () => {
    await assert.rejects(
      ServiceOps.start({
        env: { WATCHDOG_USEC: '1000000' },
        pid: 1,
        log: silentLogger(),
        version: '0',
        health: null,
        readiness: () => ({ ready: true, reasons: [] }),
        checks: [],
      }),
      (err: unknown) => err instanceof NotifyUnavailableError && err.exitCode === 78,
    );
  });
});
