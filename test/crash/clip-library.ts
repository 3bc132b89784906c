import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeClip } from '../../drivers/sim/clip-maker.ts';
import { vendorClipPath } from '../../drivers/sim/sim-volume.ts';
import { writeHostileMp4 } from '../fixtures/media/hostile-mp4.ts';

/** One file a recorder can hold, built once per campaign and copied into each trial's cards. */
export interface LibraryClip {
  readonly file: string;
  /** Where it sits on the card, named as recorders name files (by the recorder's own clock). */
  readonly relPath: string;
  readonly size: number;
  readonly sha256: string;
  /** The file time the recorder gave it (end of recording, by its clock). */
  readonly mtime: Date;
}

/** The growing file: its first version, the bytes appended, and the grown version's digest. */
export interface GrowingClip extends LibraryClip {
  readonly appendFile: string;
  readonly grownSize: number;
  readonly grownSha256: string;
}

/** Every file of one recorder slot (0, 1, 2) of a trial. */
export interface SlotLibrary {
  /** Back-to-back segments of a recorder with a good clock; the last is recorded after the first docking. */
  readonly normal: readonly LibraryClip[];
  /** The same for a recorder whose clock was reset to 2020-01-01 00:00 (names and times in 2020). */
  readonly reset: readonly LibraryClip[];
  /** A new recording with the name, size and file time of `reset[0]`, and other bytes. */
  readonly resetAgain: LibraryClip;
  /** A clip whose card has a bad sector (read error injected in the middle). */
  readonly unreadable: LibraryClip;
  /** A clip cut short by a power loss: a valid prefix, no `moov` box. */
  readonly truncated: LibraryClip;
  readonly growing: GrowingClip;
  readonly hostile: LibraryClip;
}

const MiB = 1024 * 1024;
const NORMAL_SIZES = [1.25 * MiB, 2.5 * MiB, 1.5 * MiB];
const SEGMENT_MS = 2000;
/** Device clock of a recorder whose clock was reset: it starts again at 2020-01-01 00:00 (+08:00). */
export const RESET_EPOCH = Date.UTC(2019, 11, 31, 16, 0, 0);
const OFFSET_MIN = 480;
/** Seconds from the MP4 epoch (1904-01-01) to the Unix epoch. */
const MP4_EPOCH_OFFSET = 2_082_844_800;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A copy of `mp4` whose movie header says it was recorded at `at` (mvhd creation/modification time). */
export function withRecordingTime(mp4: Buffer, at: Date): Buffer {
  const i = mp4.indexOf('mvhd', 0, 'latin1');
  if (i < 4) throw new Error('the template MP4 has no mvhd box');
  const out = Buffer.from(mp4);
  const secs = Math.floor(at.getTime() / 1000) + MP4_EPOCH_OFFSET;
  if (out[i + 4] === 1) {
    out.writeBigUInt64BE(BigInt(secs), i + 8);
    out.writeBigUInt64BE(BigInt(secs), i + 16);
  } else {
    out.writeUInt32BE(secs, i + 8);
    out.writeUInt32BE(secs, i + 12);
  }
  return out;
}

/** A `free` box of `size` bytes whose content is a keystream of `label` (different per file, repeatable). */
function freeBox(size: number, label: string): Buffer {
  const key = createHash('sha256').update(label).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const box = Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
  box.writeUInt32BE(size, 0);
  box.write('free', 4, 'latin1');
  return box;
}

class Builder {
  constructor(
    readonly dir: string,
    readonly template: Buffer,
  ) {}

  /** A 2 s segment recorded at `start` (device clock), grown to `size` with a free box. */
  async segment(
    name: string,
    start: Date,
    index: number,
    size: number,
    contentStart = start,
  ): Promise<LibraryClip> {
    const mp4 = withRecordingTime(this.template, contentStart);
    const bytes = Buffer.concat([mp4, freeBox(size - mp4.length, `${name} ${contentStart.toISOString()}`)]);
    return this.write(
      name,
      bytes,
      vendorClipPath(start, index, 'video', OFFSET_MIN),
      new Date(start.getTime() + SEGMENT_MS),
    );
  }

  async write(name: string, bytes: Buffer, relPath: string, mtime: Date): Promise<LibraryClip> {
    const file = path.join(this.dir, name);
    await writeFile(file, bytes);
    return { file, relPath, size: bytes.length, sha256: sha256(bytes), mtime };
  }
}

async function templates(dir: string) {
  await mkdir(dir, { recursive: true });
  const at = new Date(Date.UTC(2026, 0, 1));
  const short = path.join(dir, 'template-2s.mp4');
  const long = path.join(dir, 'template-8s.mp4');
  const hostile = path.join(dir, 'template-hostile.mp4');
  await makeClip({ start: at, seconds: 2 }, short);
  await makeClip({ start: at, seconds: 8, width: 320, height: 240 }, long);
  await writeHostileMp4(hostile);
  return { short: await readFile(short), long: await readFile(long), hostile: await readFile(hostile) };
}

function truncatedBytes(whole: Buffer): Buffer {
  const moov = whole.indexOf('moov', 0, 'latin1');
  const cut = Math.min(Math.floor(whole.length * 0.65), moov - 8);
  if (moov < 0 || cut <= 0) throw new Error('ffmpeg wrote the moov box first: cannot make a truncated MP4');
  return whole.subarray(0, cut);
}

async function slot(
  b: Builder,
  t: Awaited<ReturnType<typeof templates>>,
  r: number,
  now: number,
): Promise<SlotLibrary> {
  await mkdir(b.dir, { recursive: true });
  const base = now - 3 * 3_600_000 + r * 40 * 60_000;
  const at = (ms: number, from = base) => new Date(from + ms);
  const normal: LibraryClip[] = [];
  const reset: LibraryClip[] = [];
  for (const [j, size] of NORMAL_SIZES.entries()) {
    normal.push(await b.segment(`normal-${j}.mp4`, at(j * SEGMENT_MS), j + 1, size));
    reset.push(await b.segment(`reset-${j}.mp4`, at(j * SEGMENT_MS, RESET_EPOCH), j + 1, size));
  }
  const growing = await b.segment('growing.mp4', at(20 * 60_000), 8, 12 * MiB);
  // One page: a SIGKILL can cut a longer write() short, and the card would then hold bytes the
  // campaign never planted; a one-page append lands whole or not at all.
  const appended = freeBox(4096, `growth ${r}`);
  const appendFile = path.join(b.dir, 'growing.append');
  await writeFile(appendFile, appended);
  const grown = Buffer.concat([await readFile(growing.file), appended]);
  const named = (ms: number, index: number) => vendorClipPath(at(ms), index, 'video', OFFSET_MIN);
  return {
    normal,
    reset,
    // recorded after a second reset: the same name, size and file time as reset[0], other bytes
    resetAgain: await b.segment(
      'reset-again.mp4',
      at(0, RESET_EPOCH),
      1,
      NORMAL_SIZES[0] as number,
      at(6000, RESET_EPOCH),
    ),
    unreadable: await b.segment('unreadable.mp4', at(-20 * 60_000), 5, 2 * MiB),
    truncated: await b.write(
      'truncated.mp4',
      truncatedBytes(withRecordingTime(t.long, at(-10 * 60_000))),
      named(-10 * 60_000, 7),
      at(-10 * 60_000 + 8000),
    ),
    growing: { ...growing, appendFile, grownSize: grown.length, grownSha256: sha256(grown) },
    hostile: await b.write('hostile.mp4', t.hostile, named(25 * 60_000, 9), at(25 * 60_000 + 1000)),
  };
}

/**
 * Build the files of all three recorder slots under `dir`: three ffmpeg runs for the templates
 * (cached by the simulator), then each file is a template with its own recording time patched
 * into the movie header and a keyed `free` box that gives it its size and its own bytes.
 */
export async function buildClipLibrary(dir: string, now = Date.now()): Promise<SlotLibrary[]> {
  const t = await templates(dir);
  const slots: SlotLibrary[] = [];
  for (let r = 0; r < 3; r++)
    slots.push(await slot(new Builder(path.join(dir, `slot-${r}`), t.short), t, r, now));
  return slots;
}
