import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { type ClipSpec, makeClip } from '../../drivers/sim/clip-maker.ts';
import { host } from './host-command.ts';

/** One file a recorder's card holds. */
export interface StickFileSpec {
  /** Path on the card, with `/` (`DCIM/100MEDIA/执法_0001.MP4`). */
  readonly name: string;
  readonly clip: ClipSpec;
}

/** A file as the host made it: what the vault must end up holding. */
export interface StickFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** A recorder's card as a disk image with one partition, and its USB serial. */
export interface Stick {
  readonly image: string;
  readonly serial: string;
  readonly fs: 'vfat' | 'exfat';
  readonly files: readonly StickFile[];
}

/** What to put on a card. */
export interface StickSpec {
  readonly serial: string;
  readonly fs: 'vfat' | 'exfat';
  readonly label: string;
  readonly sizeMiB: number;
  readonly files: readonly StickFileSpec[];
}

const PART_OFFSET = 1 << 20;

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The clips as local files (real MP4s from ffmpeg, mtime at the end of each recording). */
async function makeFiles(work: string, files: readonly StickFileSpec[]): Promise<StickFile[]> {
  const out: StickFile[] = [];
  for (const f of files) {
    const local = path.join(work, 'files', f.name);
    await mkdir(path.dirname(local), { recursive: true });
    await makeClip(f.clip, local);
    const end = new Date(f.clip.start.getTime() + (f.clip.seconds ?? 2) * 1000);
    await utimes(local, end, end);
    out.push({ name: f.name, size: (await stat(local)).size, sha256: await sha256(local) });
  }
  return out;
}

/** FAT32 with mtools: no mount, no root. Long (Chinese) names are written as UTF-8 → LFN. */
async function fillFat(image: string, spec: StickSpec, work: string): Promise<void> {
  const env = { ...process.env, LC_ALL: 'C.UTF-8', MTOOLS_SKIP_CHECK: '1' };
  const at = `${image}@@${PART_OFFSET}`;
  await host('mkfs.vfat', ['-F', '32', '--offset', String(PART_OFFSET / 512), '-n', spec.label, image]);
  const dirs = new Set<string>();
  for (const f of spec.files)
    for (let d = path.posix.dirname(f.name); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort()) await host('mmd', ['-i', at, `::${d}`], { env });
  for (const f of spec.files)
    await host('mcopy', ['-m', '-i', at, path.join(work, 'files', f.name), `::${f.name}`], { env });
}

/**
 * exFAT, half on the host: mkfs.exfat makes the partition (`SERIAL.part`) and the files wait in
 * `SERIAL.files/`. Filling it needs a kernel or FUSE mount, which this host's container refuses
 * (read-only loop devices, no fusermount), so the guest finishes it: `finishExfatCards`.
 */
async function prepareExfat(dir: string, spec: StickSpec, work: string): Promise<void> {
  const part = path.join(dir, `${spec.serial}.part`);
  await host('truncate', ['-s', `${spec.sizeMiB - 1}M`, part]);
  await host('mkfs.exfat', ['-L', spec.label, part]);
  await host('cp', [
    '-r',
    '--preserve=timestamps',
    path.join(work, 'files'),
    path.join(dir, `${spec.serial}.files`),
  ]);
}

/**
 * The guest script that fills each exFAT card's partition (kernel exfat on a loop device, as
 * root in the guest) and writes it into its disk image, which lies in a folder the guest shares
 * read-write (`/mnt/hil-out/…`).
 */
export function finishExfatScript(stick: Stick, guestIn: string, guestDisk: string): string {
  const s = stick.serial;
  return [
    'set -e',
    `p=/var/tmp/${s}.part; m=/mnt/exfat-${s}`,
    `cp ${guestIn}/${s}.part "$p"`,
    'l=$(losetup --find --show "$p"); mkdir -p "$m"; mount -t exfat "$l" "$m"',
    `cp -r --preserve=timestamps ${guestIn}/${s}.files/. "$m"/`,
    'umount "$m"; losetup --detach "$l"',
    `dd if="$p" of=${guestDisk} bs=1M seek=${PART_OFFSET >> 20} conv=notrunc status=none`,
    'rm -f "$p"',
  ].join('\n');
}

/**
 * A recorder's card: a disk image with an MBR and one FAT32 or exFAT partition holding real MP4
 * files, made on the host. Returns each file's size and SHA-256 as the host computed them.
 */
export async function makeStick(dir: string, spec: StickSpec, diskDir = dir): Promise<Stick> {
  await mkdir(dir, { recursive: true });
  await mkdir(diskDir, { recursive: true });
  const image = path.join(diskDir, `${spec.serial}.img`);
  const work = await mkdtemp(path.join(dir, `.${spec.serial}-`));
  try {
    const files = await makeFiles(work, spec.files);
    await rm(image, { force: true });
    await host('truncate', ['-s', `${spec.sizeMiB}M`, image]);
    const type = spec.fs === 'vfat' ? '0c' : '07';
    await host('sh', ['-c', `echo ',,${type}' | sfdisk -q "$1"`, 'sh', image]);
    if (spec.fs === 'vfat') await fillFat(image, spec, work);
    else await prepareExfat(dir, spec, work);
    return { image, serial: spec.serial, fs: spec.fs, files };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The names of the files left on a FAT32 card (read with mtools, after the guest let go of it). */
export async function fatFilesLeft(stick: Stick): Promise<string[]> {
  const out = await host('mdir', ['-/', '-b', '-i', `${stick.image}@@${PART_OFFSET}`, '::'], {
    env: { ...process.env, LC_ALL: 'C.UTF-8', MTOOLS_SKIP_CHECK: '1' },
  });
  return out
    .split('\n')
    .map((l) => l.trim().replace(/^::\/?/, ''))
    .filter((l) => l && !l.endsWith('/'));
}
