import iconv from 'iconv-lite';
import { shq } from '../guest-shell.ts';
import { expect, type HilCheck } from '../hil-check.ts';
import type { HilContext } from '../hil-context.ts';
import type { Stick } from '../stick-images.ts';
import { expectSealedAsHost } from './dock-steps.ts';

/** The GA recorder's identity in its (simulated) vendor library. */
export const GA_RECORDER = {
  serial: 'GA00001',
  userNo: '000456',
  userName: '赵六',
  unitNo: '110105000001',
  unitName: '某某镇执法中队',
};

const gbkHex = (text: string) => iconv.encode(text, 'gbk').toString('hex');

/** The vendor library's device, read when dockd loads it (test/hil/guest/ga-vendor.c). */
export function gaDeviceConf(): string {
  return [
    `serial=${gbkHex(GA_RECORDER.serial)}`,
    `userNo=${gbkHex(GA_RECORDER.userNo)}`,
    `userName=${gbkHex(GA_RECORDER.userName)}`,
    `unitNo=${gbkHex(GA_RECORDER.unitNo)}`,
    `unitName=${gbkHex(GA_RECORDER.unitName)}`,
    'password=888888',
    'battery=77',
    '',
  ].join('\n');
}

const GADGET = 'bash /mnt/hil-in/usb-gadget.sh';

/** Copy a card into the guest (the gadget serves it read-write: the dock wipes what it sealed). */
async function cardInGuest(ctx: HilContext, card: Stick): Promise<string> {
  const file = `/var/tmp/${card.serial}.img`;
  await ctx.guest.sh(`cp /mnt/hil-in/cards/${card.serial}.img ${file}`);
  return file;
}

/** Plug a mass-storage gadget; wait for `step` of `serial`. */
async function plugMsc(ctx: HilContext, args: string, serial: string, step: string): Promise<string> {
  const cursor = await ctx.guest.cursor();
  const done = ctx.guest.waitStep(cursor, serial, step, 300_000);
  done.catch(() => undefined);
  await ctx.guest.sh(`${GADGET} msc ${args}`);
  return done;
}

/**
 * A recorder with real ids, not QEMU's: a dummy_hcd gadget with the built-in table's
 * example-msc-recorder ids (1209:0005). The package's own rules tag it (no site rules), and the
 * built-in fingerprint serves it.
 */
export const gadgetRecorderCheck: HilCheck = {
  name: 'real recorder ids through a dummy_hcd gadget: the built-in rules and fingerprint serve 1209:0005',
  slug: 'gadget-real-ids',
  timeoutMs: 600_000,
  async run(ctx, ev) {
    const card = ctx.cards.gadget;
    const image = await cardInGuest(ctx, card);
    const args = `rec 1209 0005 ${card.serial} ${shq('Example vendor')} DSJ-EXAMPLE-MSC ${image}`;
    await ev.write('held.txt', `${await plugMsc(ctx, args, card.serial, 'held')}\n`);
    const udev = await ctx.guest.sh(
      'for d in /dev/sd?; do echo "== $d"; udevadm info -q property $d | grep -E "ID_VENDOR_ID|ID_MODEL_ID|ID_SERIAL_SHORT|RECORDER_DOCK_MODEL|UDISKS_IGNORE|TAGS"; done',
    );
    await ev.write('udev.txt', udev);
    expect(
      /RECORDER_DOCK_MODEL=example-msc-recorder/.test(udev),
      `the built-in rules did not tag the gadget:\n${udev}`,
    );
    await ctx.guest.sh(`dockctl recorders accept ${card.serial} --by 000001 && ${GADGET} remove rec`);
    const finished = await plugMsc(ctx, args, card.serial, 'finished');
    await ev.write('finished.txt', `${finished}\n`);
    expect(/"detail":"complete"/.test(finished), `the session did not complete: ${finished}`);
    await expectSealedAsHost(ctx, ev, card);
    await ctx.guest.sh(`${GADGET} remove rec`);
  },
};

/**
 * The GA SDK through the real unit: the vendor library at the configured path (loaded by dockd
 * through koffi under SystemCallFilter, opening the recorder's USB node under DeviceAllow), one
 * GA recorder (a 1209:0001 gadget) identified, switched to mass storage (the gadget becomes
 * 1209:0002 serving its card) and ingested.
 */
export const gaSdkCheck: HilCheck = {
  name: 'GA SDK: the vendor library at its configured path, one GA recorder docked through the real unit',
  slug: 'ga-sdk',
  timeoutMs: 600_000,
  async run(ctx, ev) {
    const card = ctx.cards.ga;
    const image = await cardInGuest(ctx, card);
    const ga = `ga 1209 0001 ${GA_RECORDER.serial} ${shq('Example vendor')} DSJ-EXAMPLE-GA`;
    let cursor = await ctx.guest.cursor();
    const held = ctx.guest.waitStep(cursor, GA_RECORDER.serial, 'held', 300_000);
    held.catch(() => undefined);
    await ctx.guest.sh(`${GADGET} acm ${ga}`);
    await ev.write('held.txt', `${await held}\n`);
    await ctx.guest.sh(`dockctl recorders accept ${GA_RECORDER.serial} --by 000001 && ${GADGET} remove ga`);
    // The recorder re-enumerates as a disk when the library's SetMSDC says so (a FIFO).
    const fifo = '/run/recorder-dock/hil-ga-msdc';
    await ctx.guest.sh(`rm -f ${fifo}; mkfifo -m 0620 ${fifo}; chgrp recorder-dock ${fifo}`);
    const switched = ctx.guest.run(
      `read -r what < ${fifo} && ${GADGET} remove ga && ${GADGET} msc ga 1209 0002 ${GA_RECORDER.serial} ${shq('Example vendor')} DSJ-EXAMPLE-GA ${image} && echo "$what"`,
      400_000,
    );
    cursor = await ctx.guest.cursor();
    const finished = ctx.guest.waitStep(cursor, GA_RECORDER.serial, 'finished', 400_000);
    finished.catch(() => undefined);
    await ctx.guest.sh(`${GADGET} acm ${ga}`);
    const sw = await switched;
    await ev.write('switch.txt', sw.stdout + sw.stderr);
    expect(
      sw.code === 0 && /msdc/.test(sw.stdout),
      `the recorder never switched to mass storage: ${sw.stderr}`,
    );
    const line = await finished;
    await ev.write('finished.txt', `${line}\n`);
    expect(/"detail":"complete"/.test(line), `the GA session did not complete: ${line}`);
    const sessions =
      await ctx.guest.dockctlJson<{ serial: string; officerNo: string | null; batteryPct: number | null }[]>(
        'sessions --limit 5',
      );
    await ev.write('sessions.json', JSON.stringify(sessions, null, 2));
    const s = sessions.find((x) => x.serial === GA_RECORDER.serial);
    expect(s?.officerNo === GA_RECORDER.userNo, `officer ${s?.officerNo}, not ${GA_RECORDER.userNo}`);
    expect(s?.batteryPct === 77, `battery ${s?.batteryPct}, not 77 from the library`);
    await expectSealedAsHost(ctx, ev, { ...card, serial: GA_RECORDER.serial });
    await ctx.guest.sh(`${GADGET} remove ga`);
  },
};
