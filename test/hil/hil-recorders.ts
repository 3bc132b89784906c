import type { ClipSpec } from '../../drivers/sim/clip-maker.ts';
import { makeStick, type Stick, type StickFileSpec } from './stick-images.ts';

/** The recorders of the suite, by USB serial (QEMU lets us set only that). */
export const SERIALS = {
  fat: 'HILMSC0001',
  exfat: 'HILMSC0002',
  yank: 'HILMSC0003',
  restart: 'HILMSC0004',
  serialBridge: 'HILSER0001',
  unruled: 'HILSER0002',
  /** A dummy_hcd gadget with the built-in table's example-msc-recorder ids. */
  gadget: 'HILGADGET1',
  /** The GA recorder's card (the gadget it becomes after SetMSDC). */
  ga: 'GA00001',
} as const;

/** The serial recorder's identity (ZFY_INFO), as its firmware reports it. */
export const SERIAL_RECORDER = {
  serial: 'HS00001',
  userNo: '000321',
  userName: '王五',
  unitNo: '110105000000',
  unitName: '某某镇综合执法队',
  /** The recorder's clock runs this far ahead. */
  skewMs: 93_000,
} as const;

/** Site configuration, as an installer adds a new model: QEMU's fixed ids, told apart by serial. */
export const SITE_CONFIG = `
rules:
  # Until the wipe check (last): sessions then end complete even while wipes fail (see its note).
  wipePolicy: never
drivers:
  fingerprints:
    models:
      - id: hil-usb-disk-recorder
        vendor: QEMU
        model: USB HARDDRIVE as a disk recorder
        driver: mass-storage
        admitGeneric: true
        match: { vendorId: "46f4", productId: "0001", serialPattern: "^HILMSC\\\\d{4}$" }
      - id: hil-ftdi-serial-recorder
        vendor: QEMU
        model: FTDI usb-serial as a serial recorder
        driver: serial
        admitGeneric: true
        match: { vendorId: "0403", productId: "6001", serialPattern: "^HILSER\\\\d{4}$" }
        massStorage: { vendorId: "46f4", productId: "0001" }
  serial:
    password: "888888"
  gaSdk:
    libraryPath: /opt/hil-vendor/lib/libZFYSDK.so
    password: "888888"
    goneCodes: [-1]
`;

/** Clips of one recorder: `count` real MP4s, two seconds each, back to back, ending now. */
export function clips(prefix: string, count: number, opts: { padLast?: number } = {}): StickFileSpec[] {
  const end = Date.now() - 60_000;
  return Array.from({ length: count }, (_, i) => {
    const clip: ClipSpec = {
      start: new Date(end - (count - i) * 2000),
      seconds: 2,
      ...(i === count - 1 && opts.padLast ? { padToBytes: opts.padLast } : {}),
    };
    return { name: `DCIM/100MEDIA/${prefix}${String(i + 1).padStart(4, '0')}.MP4`, clip };
  });
}

const MiB = 1 << 20;

export type Cards = Record<keyof typeof SERIALS, Stick>;

/**
 * The cards, made once per run on the host (FAT32 with mtools; exFAT through exfat-fuse) in
 * `dir`, which the guest sees as /mnt/hil-in/cards (the gadgets serve copies of theirs); the
 * exFAT card's disk image goes to `diskDir`, which the guest may write (it finishes that card).
 */
export async function makeCards(dir: string, diskDir: string): Promise<Cards> {
  const fat = (serial: string, files: StickFileSpec[], sizeMiB = 96) =>
    makeStick(dir, { serial, fs: 'vfat', label: serial.slice(-8), sizeMiB, files });
  return {
    fat: await fat(SERIALS.fat, clips('REC_', 3)),
    exfat: await makeStick(
      dir,
      {
        serial: SERIALS.exfat,
        fs: 'exfat',
        label: 'HILEXFAT',
        sizeMiB: 96,
        files: clips('执法记录_', 2).concat([
          {
            name: '录像/二〇二六年/现场取证.MP4',
            clip: { start: new Date(Date.now() - 50_000), seconds: 2 },
          },
        ]),
      },
      diskDir,
    ),
    yank: await fat(SERIALS.yank, clips('BIG_', 1, { padLast: 240 * MiB }), 320),
    restart: await fat(SERIALS.restart, clips('RST_', 1, { padLast: 200 * MiB }), 288),
    serialBridge: await fat(SERIALS.serialBridge, clips('SER_', 2)),
    unruled: await fat(SERIALS.unruled, clips('NOR_', 1)),
    gadget: await fat(SERIALS.gadget, clips('GDT_', 2), 48),
    ga: await fat(SERIALS.ga, clips('GA_', 2), 48),
  };
}
