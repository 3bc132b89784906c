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
  for (const [slot, { kind, serial }] of SLOTS.entries()) {
    const s = lib[slot] as SlotLibrary;
    const dir = path.join(worldDir, 'recorders', String(slot));
    const volume = path.join(dir, 'volume');
    const cases = spec.cases[slot] ?? [];
    const reset = isReset(spec, slot);
    const add = async (clip: LibraryClip, c: PlantedCase | 'normal', extra: Partial<PlantedFile> = {}) => {
      await place(volume, clip, user);
      world.files.push({
        slot,
        serial,
        relPath: clip.relPath,
        case: c,
        docking: 1,
        sha256: clip.sha256,
        size: clip.size,
        expect: 'sealed',
        grown: null,
        ...extra,
      });
    };
    const first = reset ? s.reset : s.normal;
    await add(
      first[0] as LibraryClip,
      cases.includes('same-name-new-bytes') ? 'same-name-new-bytes' : reset ? 'clock-reset' : 'normal',
    );
    await add(first[1] as LibraryClip, reset ? 'clock-reset' : 'normal');
    const readErrors: RecorderSpec['readErrors'][number][] = [];
    if (cases.includes('unreadable')) {
      await add(s.unreadable, 'unreadable', { expect: 'unreadable' });
      readErrors.push({
        relPath: s.unreadable.relPath,
        atByte: Math.floor(s.unreadable.size * spec.badSectorAt),
      });
    }
    if (cases.includes('truncated')) await add(s.truncated, 'truncated');
    if (cases.includes('hostile')) await add(s.hostile, 'hostile');
    let grow: RecorderSpec['grow'] = null;
    if (cases.includes('growing')) {
      const marker = path.join(dir, 'grown.marker');
      await add(s.growing, 'growing', {
        grown: { sha256: s.growing.grownSha256, size: s.growing.grownSize, marker },
      });
      grow = {
        relPath: s.growing.relPath,
        baseSize: s.growing.size,
        appendFile: s.growing.appendFile,
        marker,
      };
    }
    world.recorders.push({
      kind,
      serial,
      dir,
      clockSkewMs: reset ? RESET_EPOCH + 3_600_000 - Date.now() : 0,
      readErrors,
      grow,
    });
  }
  return world;
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
