import { chown, copyFile, mkdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { SimKind } from '../../drivers/sim/sim-defaults.ts';
import { type LibraryClip, RESET_EPOCH, type SlotLibrary } from './clip-library.ts';
import type { RecorderSpec } from './run-spec.ts';
import type { ServiceUser } from './service-user.ts';
import type { FileTarget, PlantedCase, TrialSpec } from './trial-plan.ts';

/** The three recorders of every trial: slot 0 speaks the GA SDK, 1 the serial protocol, 2 is a plain disk. */
export const SLOTS: readonly { readonly kind: SimKind; readonly serial: string }[] = [
  { kind: 'ga-sdk', serial: 'A200001' },
  { kind: 'serial', serial: 'A200002' },
  { kind: 'mass-storage', serial: 'A200003' },
];

/** A recording the harness put on a card, and what must become of it. */
export interface PlantedFile {
  readonly slot: number;
  readonly serial: string;
  readonly relPath: string;
  readonly case: PlantedCase | 'normal';
  readonly docking: 1 | 2;
  readonly sha256: string;
  readonly size: number;
  /** `sealed`: its bytes must end up sealed; `unreadable`: never sealed, never deleted. */
  readonly expect: 'sealed' | 'unreadable';
  /** The growing file: what it is once grown, and the marker the child writes when it grows. */
  readonly grown: { readonly sha256: string; readonly size: number; readonly marker: string } | null;
}

/** A trial's world: the recorders as the child builds them, and every file planted so far. */
export interface PlantedWorld {
  readonly recorders: RecorderSpec[];
  readonly files: PlantedFile[];
  /** Whether the same-name recording could be planted (its older namesake was wiped). */
  sameName: 'planted' | 'namesake-still-there' | null;
}

function isReset(spec: TrialSpec, slot: number): boolean {
  return (
    spec.cases[slot]?.includes('clock-reset') === true ||
    spec.cases[slot]?.includes('same-name-new-bytes') === true
  );
}

/** The library file a fault target names, for its subject. */
export function targetClip(spec: TrialSpec, lib: readonly SlotLibrary[], t: FileTarget): LibraryClip {
  const s = lib[t.slot] as SlotLibrary;
  const first = isReset(spec, t.slot) ? s.reset : s.normal;
  switch (t.file) {
    case 'normal-0':
    case 'same-name-new-bytes':
      return first[0] as LibraryClip;
    case 'normal-1':
    case 'clock-reset':
      return first[1] as LibraryClip;
    case 'unreadable':
      return s.unreadable;
    case 'truncated':
      return s.truncated;
    case 'growing':
      return s.growing;
    case 'hostile':
      return s.hostile;
  }
}

async function place(volume: string, clip: LibraryClip, user: ServiceUser): Promise<void> {
  const dest = path.join(volume, clip.relPath);
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(clip.file, dest);
  await utimes(dest, clip.mtime, clip.mtime);
  await chown(dest, user.uid, user.gid);
}

/** Put the first docking's files on the three cards; returns the recorders and the truth. */
export async function plantFirstDocking(
  spec: TrialSpec,
  lib: readonly SlotLibrary[],
  worldDir: string,
  user: ServiceUser,
): Promise<PlantedWorld> {
  const world: PlantedWorld = { recorders: [], files: [], sameName: null };
  for (const slot of SLOTS.keys()) {
    const card = new CardPlanter(spec, lib, slot, path.join(worldDir, 'recorders', String(slot)), user);
    world.recorders.push(await card.plant());
    world.files.push(...card.files);
  }
  return world;
}

/** One recorder's card for the first docking, and the truth about what went on it. */
class CardPlanter {
  readonly files: PlantedFile[] = [];
  private readonly s: SlotLibrary;
  private readonly cases: readonly PlantedCase[];

  constructor(
    private readonly spec: TrialSpec,
    lib: readonly SlotLibrary[],
    private readonly slot: number,
    private readonly dir: string,
    private readonly user: ServiceUser,
  ) {
    this.s = lib[slot] as SlotLibrary;
    this.cases = spec.cases[slot] ?? [];
  }

  async plant(): Promise<RecorderSpec> {
    const { kind, serial } = SLOTS[this.slot] as (typeof SLOTS)[number];
    const reset = isReset(this.spec, this.slot);
    const first = reset ? this.s.reset : this.s.normal;
    const namesake = this.cases.includes('same-name-new-bytes');
    await this.add(
      first[0] as LibraryClip,
      namesake ? 'same-name-new-bytes' : reset ? 'clock-reset' : 'normal',
    );
    await this.add(first[1] as LibraryClip, reset ? 'clock-reset' : 'normal');
    if (this.cases.includes('truncated')) await this.add(this.s.truncated, 'truncated');
    if (this.cases.includes('hostile')) await this.add(this.s.hostile, 'hostile');
    return {
      kind,
      serial,
      dir: this.dir,
      clockSkewMs: reset ? RESET_EPOCH + 3_600_000 - Date.now() : 0,
      readErrors: await this.unreadable(),
      grow: await this.growing(),
    };
  }

  private async unreadable(): Promise<RecorderSpec['readErrors']> {
    if (!this.cases.includes('unreadable')) return [];
    const clip = this.s.unreadable;
    await this.add(clip, 'unreadable', { expect: 'unreadable' });
    return [{ relPath: clip.relPath, atByte: Math.floor(clip.size * this.spec.badSectorAt) }];
  }

  private async growing(): Promise<RecorderSpec['grow']> {
    if (!this.cases.includes('growing')) return null;
    const clip = this.s.growing;
    const marker = path.join(this.dir, 'grown.marker');
    await this.add(clip, 'growing', { grown: { sha256: clip.grownSha256, size: clip.grownSize, marker } });
    return { relPath: clip.relPath, baseSize: clip.size, appendFile: clip.appendFile, marker };
  }

  private async add(clip: LibraryClip, c: PlantedCase | 'normal', extra: Partial<PlantedFile> = {}) {
    await place(path.join(this.dir, 'volume'), clip, this.user);
    const { serial } = SLOTS[this.slot] as (typeof SLOTS)[number];
    this.files.push({
      ...{ slot: this.slot, serial, relPath: clip.relPath, case: c, docking: 1 as const },
      ...{ sha256: clip.sha256, size: clip.size, expect: 'sealed' as const, grown: null },
      ...extra,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Between the dockings the officers went out again: each card gains a new recording, and a
 * recorder whose clock was reset again writes a file with the name and size of one already
 * sealed and wiped (only when that one is gone: a recorder never writes over a file it holds).
 */
export async function plantSecondDocking(
  spec: TrialSpec,
  lib: readonly SlotLibrary[],
  world: PlantedWorld,
  user: ServiceUser,
): Promise<void> {
  for (const [slot, { serial }] of SLOTS.entries()) {
    const s = lib[slot] as SlotLibrary;
    const volume = path.join(world.recorders[slot]?.dir as string, 'volume');
    const reset = isReset(spec, slot);
    const fresh = (reset ? s.reset[2] : s.normal[2]) as LibraryClip;
    const adds: [LibraryClip, PlantedCase | 'normal'][] = [[fresh, reset ? 'clock-reset' : 'normal']];
    if (spec.cases[slot]?.includes('same-name-new-bytes')) {
      const namesake = path.join(volume, s.resetAgain.relPath);
      world.sameName = (await exists(namesake)) ? 'namesake-still-there' : 'planted';
      if (world.sameName === 'planted') adds.push([s.resetAgain, 'same-name-new-bytes']);
    }
    for (const [clip, c] of adds) {
      await place(volume, clip, user);
      world.files.push({
        slot,
        serial,
        relPath: clip.relPath,
        case: c,
        docking: 2,
        sha256: clip.sha256,
        size: clip.size,
        expect: 'sealed',
        grown: null,
      });
    }
  }
}
