import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import {
  type DatagramSend,
  NOTIFY_UNAVAILABLE_EXIT_CODE,
  NotifyUnavailableError,
  SdNotifier,
  sockaddrUn,
} from '../../agent/ops/sd-notify.ts';

function recorder(result = 0): { sent: [string, string][]; sender: () => DatagramSend } {
  const sent: [string, string][] = [];
  return {
    sent,
    sender: () => (address, message) => {
      sent.push([address, message]);
      return result;
    },
  };
}

const log = silentLogger();

describe('sockaddr_un for NOTIFY_SOCKET', () => {
  it('encodes a path with its NUL, and an abstract name with a leading NUL', () => {
    const p = sockaddrUn('/run/systemd/notify');
    assert.ok(p);
    assert.equal(p.readUInt16LE(0), 1);
    assert.equal(p.subarray(2).toString('latin1'), '/run/systemd/notify\0');
    const a = sockaddrUn('@notify-x');
    assert.ok(a);
    assert.equal(a[2], 0);
    assert.equal(a.subarray(3).toString('latin1'), 'notify-x');
  });

  it('refuses what is not a unix socket address, or too long', () => {
    assert.equal(sockaddrUn('vsock:2:1234'), null);
    assert.equal(sockaddrUn(`/${'x'.repeat(120)}`), null);
  });
});

describe('SdNotifier', () => {
  it('does nothing when no service manager listens', () => {
    const r = recorder();
    const n = SdNotifier.create({ env: {}, pid: 42, log, sender: r.sender });
    assert.equal(n.enabled, false);
    assert.equal(n.watchdogIntervalMs, null);
    assert.equal(n.ready(), false);
    assert.deepEqual(r.sent, []);
  });

  it('says starting at once, then READY, STATUS, WATCHDOG and STOPPING as KEY=value lines', () => {
    const r = recorder();
    const env = { NOTIFY_SOCKET: '/run/n.sock', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '42' };
    const n = SdNotifier.create({ env, pid: 42, log, sender: r.sender });
    assert.equal(n.watchdogIntervalMs, 30000, 'pings at half the WatchdogSec');
    assert.ok(n.ready('ledger open, watchers running'));
    n.watchdog();
    n.extendTimeout(90_000);
    n.stopping();
    assert.deepEqual(
      r.sent.map(([, m]) => m),
      [
        'STATUS=starting',
        'READY=1\nSTATUS=ledger open, watchers running',
        'WATCHDOG=1',
        'EXTEND_TIMEOUT_USEC=90000000',
        'STOPPING=1\nSTATUS=stopping',
      ],
    );
    assert.ok(r.sent.every(([a]) => a === '/run/n.sock'));
    assert.deepEqual(env, {}, 'the variables are not passed on to child processes');
  });

  it('ignores a watchdog meant for another process', () => {
    const n = SdNotifier.create({
      env: { NOTIFY_SOCKET: '/run/n.sock', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '7' },
      pid: 42,
      log,
      sender: recorder().sender,
    });
    assert.equal(n.watchdogIntervalMs, null);
  });

  it('exits with 78 when the unit wants a watchdog but there is no socket', () => {
    assert.throws(
      () => SdNotifier.create({ env: { WATCHDOG_USEC: '1000000' }, pid: 42, log, sender: recorder().sender }),
      (err: unknown) => {
        assert.ok(err instanceof NotifyUnavailableError);
        assert.equal(err.exitCode, NOTIFY_UNAVAILABLE_EXIT_CODE);
        assert.equal(err.exitCode, 78);
        assert.match(err.message, /WatchdogSec= but NOTIFY_SOCKET is not set/);
        return true;
      },
    );
  });

  it('exits with 78 when the socket cannot be reached, rather than be killed in a loop', () => {
    assert.throws(
      () =>
        SdNotifier.create({
          env: { NOTIFY_SOCKET: '/run/gone.sock' },
          pid: 1,
          log,
          sender: recorder(-111).sender,
        }),
      /errno 111/,
    );
    assert.throws(
      () =>
        SdNotifier.create({ env: { NOTIFY_SOCKET: 'vsock:2:9' }, pid: 1, log, sender: recorder().sender }),
      NotifyUnavailableError,
    );
    assert.throws(
      () =>
        SdNotifier.create({
          env: { NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: 'soon' },
          pid: 1,
          log,
          sender: recorder().sender,
        }),
      /WATCHDOG_USEC/,
    );
  });

  it('reports a message that did not go out after start, without throwing', () => {
    let fail = false;
    const n = SdNotifier.create({
      env: { NOTIFY_SOCKET: '/run/n.sock' },
      pid: 1,
      log,
      sender: () => () => (fail ? -11 : 0),
    });
    fail = true;
    assert.equal(n.watchdog(), false);
  });
});
