import type { ChildExit, FiredPoint } from './child-run.ts';
import type { Finding } from './invariants.ts';
import type { CutReport } from './powercut-mount.ts';
import type { ChildLine } from './run-spec.ts';
import type { TrialSpec } from './trial-plan.ts';

/** How one run of dockd ended. */
export type RunEnding =
  /** the trial stopped it cleanly after the docking (no failpoint fired) */
  | 'clean'
  /** a failpoint killed it (SIGKILL) */
  | 'killed'
  /** a failpoint stopped it cleanly (SIGTERM) */
  | 'terminated'
  /** a failpoint froze it and the power-cut layer dropped every write not fsynced */
  | 'power-cut'
  /** it died on its own */
  | 'crashed'
  /** it stopped making progress: the trial killed it after its time */
  | 'hung';

/** One dockd start of a trial. */
export interface RunRecord {
  readonly name: 'A0' | 'A' | 'A2' | 'B' | 'C';
  readonly failpoints: string | null;
  readonly fired: FiredPoint | null;
  readonly ending: RunEnding;
  readonly exit: ChildExit;
  readonly results: readonly Extract<ChildLine, { crash: 'result' }>[];
  readonly identity: Extract<ChildLine, { crash: 'identity' }> | null;
  readonly drained: Extract<ChildLine, { crash: 'drained' }> | null;
  /** The growing files (paths on their cards) that grew while this run copied them. */
  readonly grewDuringCopy: readonly string[];
  /** When the run began (ms since the epoch); it lasted `ms`. */
  readonly startedAt: number;
  readonly cut: CutReport | null;
  readonly stderrTail: string;
  readonly ms: number;
}

/** A trial as the campaign reports it. */
export interface TrialRecord {
  readonly spec: TrialSpec;
  /** The kill point of its first fault (the table's row). */
  readonly point: string;
  readonly runs: readonly RunRecord[];
  /** Whether the same-name recording could be planted (null: the case was not in this trial). */
  readonly sameName: string | null;
  readonly findings: readonly Finding[];
  readonly ms: number;
  /** Where its logs are, when kept. */
  readonly keptAt: string | null;
}
