import { KILL_POINTS, type KillPoint } from './kill-points.ts';

/** How a trial stops dockd at its kill point. */
export type StopMode = 'kill' | 'term' | 'power';

/** A special file planted on a recorder (issue 12's cases); every recorder also holds normal clips. */
export type PlantedCase =
  | 'clock-reset'
  | 'same-name-new-bytes'
  | 'unreadable'
  | 'truncated'
  | 'growing'
  | 'hostile';

/** Where one failpoint of a trial is armed: its point, the file it watches, the hit, the action. */
export interface FaultPlan {
  readonly point: string;
  /** Slot and clip the subject names, for 'file' points (resolved to a path when planting). */
  readonly target: FileTarget | null;
  /** For 'file' points: the fraction of the file's blocks; otherwise the hit number. */
  readonly hit: number;
}

/** A planted file a point watches: a recorder slot and which of its files. */
export interface FileTarget {
  readonly slot: number;
  readonly file: 'normal-0' | 'normal-1' | PlantedCase;
}

/** Everything random about one trial, from the campaign seed and the trial's number. */
export interface TrialSpec {
  readonly seed: number;
  readonly trial: number;
  readonly mode: StopMode;
  /** One fault, or two in consecutive runs ("twice in a row"). */
  readonly faults: readonly FaultPlan[];
  /**
   * A run before the first fault's (run A0), for points that need a state only an earlier dock
   * makes: 'clean' docks without a fault, a fault plan stops that dock (kill-points.ts `after`).
   */
  readonly setup?: FaultPlan | 'clean';
  /** Special cases per recorder slot (slot 0: GA SDK, 1: serial, 2: plain disk). */
  readonly cases: readonly (readonly PlantedCase[])[];
  /** Where in the unreadable file its read error sits, as a fraction of its size. */
  readonly badSectorAt: number;
}

/** sfc32: a small seeded generator, so a trial is reproduced from (seed, trial) alone. */
export function rng(seed: number, stream: number): () => number {
  let a = seed >>> 0;
  let b = (stream * 0x9e3779b9) >>> 0;
  let c = 0x243f6a88;
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

const SPECIALS: readonly PlantedCase[] = ['unreadable', 'truncated', 'growing', 'hostile'];

function plantCases(r: () => number): PlantedCase[][] {
  const cases: PlantedCase[][] = [[], [], []];
  // One recorder in three had its clock reset; half of those wrote a same-name recording later.
  if (r() < 0.45) {
    const slot = Math.floor(r() * 3);
    cases[slot]?.push('clock-reset');
    if (r() < 0.6) cases[slot]?.push('same-name-new-bytes');
  }
  // One or two of the faulty files, on recorders with a good clock. The hostile MP4 kills today's
  // dockd on every start, which hides everything else in its trial: it is in about one trial in ten.
  const good = [0, 1, 2].filter((s) => (cases[s]?.length ?? 0) === 0);
  const count = r() < 0.5 ? 1 : 2;
  for (let i = 0; i < count && good.length > 0; i++) {
    const special = r() < 0.07 ? 'hostile' : pick(r, SPECIALS.slice(0, 3));
    const slot = pick(r, good);
    if (!cases[slot]?.includes(special)) cases[slot]?.push(special);
  }
  return cases;
}

/** Points a copy reaches before the bad sector of an unreadable file stops it. */
const BEFORE_BAD_SECTOR = new Set(['ingest.copy.start', 'ingest.copy.block']);

function targetFor(r: () => number, cases: PlantedCase[][], point: KillPoint): FileTarget {
  const special = cases.flatMap((list, slot) =>
    list
      .filter((c) => c !== 'hostile' && c !== 'clock-reset')
      .filter((c) => c !== 'unreadable' || BEFORE_BAD_SECTOR.has(point.failpoint))
      .map((c) => ({ slot, file: c })),
  );
  if (special.length > 0 && r() < 0.5) return pick(r, special);
  const slot = Math.floor(r() * 3);
  return { slot, file: r() < 0.5 ? 'normal-0' : 'normal-1' };
}

function faultAt(r: () => number, point: KillPoint, cases: PlantedCase[][]): FaultPlan {
  if (point.subject === 'file') return { point: point.id, target: targetFor(r, cases, point), hit: r() };
  return { point: point.id, target: null, hit: 1 + Math.floor(r() * point.maxHit) };
}

function plantNamesake(r: () => number, cases: PlantedCase[][]): void {
  if (cases.some((c) => c.includes('same-name-new-bytes'))) return;
  const slot = Math.floor(r() * 3);
  cases[slot] = ['clock-reset', 'same-name-new-bytes'];
}

function namesakeTarget(cases: PlantedCase[][]): FileTarget {
  return { slot: cases.findIndex((c) => c.includes('same-name-new-bytes')), file: 'same-name-new-bytes' };
}

/**
 * The spec of trial `trial` of a campaign: its kill point comes from the catalogue in turn (so
 * every point gets its share of trials), everything else from the seeded generator.
 */
export function planTrial(seed: number, trial: number): TrialSpec {
  const r = rng(seed, trial + 1);
  const point = KILL_POINTS[trial % KILL_POINTS.length] as KillPoint;
  const roll = r();
  const mode: StopMode = roll < 0.45 ? 'kill' : roll < 0.7 ? 'term' : 'power';
  const cases = plantCases(r);
  // A kill around a wipe matters most for the recording that is later followed by a namesake
  // (issue 12 item 1): a kill between its unlink and the wipe record always aims at it, the
  // other wipe points half the time.
  const between = point.failpoint === 'dock.wipe.unlinked';
  const aimAtNamesake = point.phase === 'wipe' && point.subject === 'file' && (between || r() < 0.5);
  if (aimAtNamesake) plantNamesake(r, cases);
  const faults = [
    aimAtNamesake ? { point: point.id, target: namesakeTarget(cases), hit: 0 } : faultAt(r, point, cases),
  ];
  if (r() < 0.2) faults.push(faultAt(r, pick(r, KILL_POINTS), cases));
  const setup = setupFor(r, point, cases);
  return { seed, trial, mode, faults, cases, badSectorAt: 0.2 + r() * 0.6, ...(setup ? { setup } : {}) };
}

/** The setup run a point needs (a truncated MP4 is what a clean dock leaves "already sealed"). */
function setupFor(r: () => number, point: KillPoint, cases: PlantedCase[][]): FaultPlan | 'clean' | null {
  if (!point.after) return null;
  if (point.after === 'clean') {
    const slot = [0, 1, 2].find((s) => !cases[s]?.includes('clock-reset')) ?? 0;
    if (!cases[slot]?.includes('truncated')) cases[slot]?.push('truncated');
    return 'clean';
  }
  const slot = Math.floor(r() * 3);
  return { point: point.after, target: { slot, file: r() < 0.5 ? 'normal-0' : 'normal-1' }, hit: 0 };
}
