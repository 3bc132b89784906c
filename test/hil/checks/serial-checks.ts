import path from 'node:path';
import { MemoryDeviceModel } from '../../../drivers/sim/device-model.ts';
import { FirmwarePlayer } from '../firmware-player.ts';
import { expect, type HilCheck } from '../hil-check.ts';
import type { HilContext } from '../hil-context.ts';
import { SERIAL_RECORDER, SERIALS } from '../hil-recorders.ts';
import type { Stick } from '../stick-images.ts';
import { expectSealedAsHost } from './dock-steps.ts';

/**
 * A serial recorder on QEMU's FTDI bridge, its firmware played by the host. On MSDC it leaves
 * the channel: the player pulls the serial device and docks the recorder's card, same USB serial.
 */
async function playRecorder(
  ctx: HilContext,
  id: string,
  usbSerial: string,
  card: Stick,
): Promise<FirmwarePlayer> {
  const model = new MemoryDeviceModel(SERIAL_RECORDER, '888888');
  model.skew = SERIAL_RECORDER.skewMs;
  const player = await FirmwarePlayer.listen(path.join(ctx.work, `${id}.sock`), model, () => {
    void ctx.plugs
      .unplug(id)
      .then(() => ctx.plugs.plugStick(`${id}-card`, card))
      .catch((err: unknown) => {
        process.stderr.write(
          `hil: the serial recorder could not switch to its card: ${(err as Error).message}\n`,
        );
      });
  });
  await ctx.plugs.plugSerial(id, usbSerial, player.socketPath);
  return player;
}

/** Pull whatever of the serial recorder is still docked. */
async function pullRecorder(ctx: HilContext, id: string, player: FirmwarePlayer): Promise<void> {
  for (const d of [id, `${id}-card`]) if (ctx.plugs.plugged(d)) await ctx.plugs.unplug(d);
  await player.close();
}

interface SessionRow {
  readonly serial: string;
  readonly officerNo: string | null;
  readonly clockSkewMs: number | null;
  readonly outcome: string | null;
}

/**
 * Issue 12 item 11: the site rules give the bridge's tty to the service, so the recorder is
 * identified (officer, clock skew), switched to mass storage and ingested.
 */
export const serialRecorderCheck: HilCheck = {
  name: 'serial recorder on an FTDI bridge: its tty is the service group’s, identified with officer and clock skew, switched to mass storage',
  slug: 'serial-recorder',
  timeoutMs: 600_000,
  async run(ctx, ev) {
    const id = 'ser';
    const card = ctx.cards.serialBridge;
    let cursor = await ctx.guest.cursor();
    const held = ctx.guest.waitStep(cursor, SERIAL_RECORDER.serial, 'held', 240_000);
    held.catch(() => undefined);
    let player = await playRecorder(ctx, id, SERIALS.serialBridge, card);
    await ev.write('held.txt', `${await held}\n`);
    const tty = await ctx.guest.sh(
      'for t in /dev/ttyUSB*; do stat -c "%n %U:%G %a" $t; udevadm info -q property $t | grep -E "ID_SERIAL_SHORT|RECORDER_DOCK_MODEL"; done',
    );
    await ev.write('tty.txt', tty);
    expect(
      /ttyUSB\d+ root:recorder-dock 660/.test(tty),
      `the recorder's tty is not the service group's: ${tty}`,
    );
    await ctx.guest.sh(`dockctl recorders accept ${SERIAL_RECORDER.serial} --by 000001`);
    await pullRecorder(ctx, id, player);
    cursor = await ctx.guest.cursor();
    const finished = ctx.guest.waitStep(cursor, SERIAL_RECORDER.serial, 'finished', 420_000);
    finished.catch(() => undefined);
    player = await playRecorder(ctx, id, SERIALS.serialBridge, card);
    try {
      const line = await finished;
      await ev.write('finished.txt', `${line}\n`);
      await ev.write('firmware-commands.txt', `${player.commands().join('\n')}\n`);
      expect(
        player.commands().includes('MSDC'),
        'the dock never asked the recorder to switch to mass storage',
      );
      expect(/"detail":"complete"/.test(line), `the session did not complete: ${line}`);
    } finally {
      await pullRecorder(ctx, id, player);
    }
    const sessions = await ctx.guest.dockctlJson<SessionRow[]>('sessions --limit 20');
    await ev.write('sessions.json', JSON.stringify(sessions, null, 2));
    const s = sessions.find((x) => x.serial === SERIAL_RECORDER.serial && x.outcome === 'complete');
    expect(s, 'no complete session of the serial recorder');
    expect(s.officerNo === SERIAL_RECORDER.userNo, `officer ${s.officerNo}, not ${SERIAL_RECORDER.userNo}`);
    const skew = s.clockSkewMs ?? Number.NaN;
    expect(
      Math.abs(skew - SERIAL_RECORDER.skewMs) <= 3000,
      `clock skew ${skew} ms, not about ${SERIAL_RECORDER.skewMs}`,
    );
    await expectSealedAsHost(ctx, ev, { ...card, serial: SERIAL_RECORDER.serial });
  },
};

/**
 * Issue 12 item 11, the other half: a recorder whose port udev never gave to the service (its
 * site rules are missing) is a permission alert for the manager, not "gone, dock it again", and
 * doctor names the port; with the rules back, doctor passes.
 */
export const serialPermissionCheck: HilCheck = {
  name: 'serial recorder without its udev rule: a device-permission alert (not "gone"), and dockctl doctor names the port',
  slug: 'serial-permission',
  timeoutMs: 420_000,
  async run(ctx, ev) {
    const id = 'noperm';
    await ctx.guest.sh(
      'mv /etc/udev/rules.d/71-recorder-dock-site.rules /root/71-recorder-dock-site.rules.off && udevadm control --reload',
    );
    const cursor = await ctx.guest.cursor();
    const ended = ctx.guest.waitJournal(cursor, '"msg":"dock session ended early"', 240_000);
    ended.catch(() => undefined);
    const player = await playRecorder(ctx, id, SERIALS.unruled, ctx.cards.unruled);
    try {
      const line = await ended;
      await ev.write('ended-early.txt', `${line}\n`);
      expect(/DEVICE_PERMISSION/.test(line), `the session did not end on a permission error: ${line}`);
      expect(!/is gone/.test(line), `reported as gone: ${line}`);
      const alerts =
        await ctx.guest.dockctlJson<{ kind: string; severity: string; detail: string }[]>('alerts');
      await ev.write('alerts.json', JSON.stringify(alerts, null, 2));
      const alert = alerts.find((a) => a.kind === 'device-permission');
      expect(alert, 'no device-permission alert');
      expect(/EACCES/.test(alert.detail) && /udev-rules --site/.test(alert.detail), `alert: ${alert.detail}`);
      const doctor = await ctx.guest.run('dockctl doctor', 120_000);
      await ev.write('doctor-without-rule.txt', doctor.stdout + doctor.stderr);
      expect(doctor.code === 1, `doctor exited ${doctor.code} with the port closed to the service`);
      expect(
        /FAIL\s+recorder ports\s+\/dev\/ttyUSB\d+ \(hil-ftdi-serial-recorder\)/.test(doctor.stdout),
        'doctor did not name the port',
      );
      await ctx.guest.sh(
        'mv /root/71-recorder-dock-site.rules.off /etc/udev/rules.d/71-recorder-dock-site.rules && udevadm control --reload && udevadm trigger --subsystem-match=tty --subsystem-match=usb && udevadm settle -t 30',
      );
      const fixed = await ctx.guest.run('dockctl doctor', 120_000);
      await ev.write('doctor-with-rule.txt', fixed.stdout + fixed.stderr);
      expect(
        /PASS\s+recorder ports\s+the service can open/.test(fixed.stdout),
        'doctor still fails the port with the rule back',
      );
    } finally {
      await pullRecorder(ctx, id, player);
    }
  },
};
