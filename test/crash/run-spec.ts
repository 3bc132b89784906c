/**
 * What the harness tells one run of the crash child (a JSON file), and the telemetry lines the
 * child prints on stdout beside dockd's own JSON log lines (those carry `msg`, these `crash`).
 */
import type { SimKind } from '../../drivers/sim/sim-defaults.ts';

/** One simulated recorder of a trial, as the child builds it on every start. */
export interface RecorderSpec {
  readonly kind: SimKind;
  readonly serial: string;
  /** The recorder's working folder; its card is `<dir>/volume`. */
  readonly dir: string;
  /** Device clock minus host clock (a recorder whose clock was reset is years behind). */
  readonly clockSkewMs: number;
  /** Files on the card that fail to read at a byte (a bad sector): injected on every start. */
  readonly readErrors: readonly { readonly relPath: string; readonly atByte: number }[];
  /** A file that grows while it is copied: bytes appended on the first progress of its copy. */
  readonly grow: GrowSpec | null;
}

/** The growing file of a trial. */
export interface GrowSpec {
  readonly relPath: string;
  /** Its size before it grows. */
  readonly baseSize: number;
  /** The bytes appended. */
  readonly appendFile: string;
  /** Written (durably) just before the append: the growth happened, or must be finished. */
  readonly marker: string;
}

/** One run of the child: a dockd start with the trial's recorders docked. */
export interface RunSpec {
  /** The configuration file dockd reads (as `dockd run --config`). */
  readonly config: string;
  readonly recorders: readonly RecorderSpec[];
}

/** Telemetry the child prints, one JSON object per line, beside dockd's log. */
export type ChildLine =
  | {
      readonly crash: 'identity';
      readonly uid: number;
      readonly gid: number;
      readonly groups: readonly number[];
      readonly capEff: string;
      readonly capPrm: string;
      readonly capBnd: string;
      readonly noNewPrivs: string;
    }
  | { readonly crash: 'plugged'; readonly serials: readonly string[] }
  | {
      readonly crash: 'result';
      readonly serial: string | null;
      readonly outcome: string;
      readonly sealed: number;
      readonly skipped: number;
      readonly failed: number;
    }
  | { readonly crash: 'grown'; readonly relPath: string; readonly duringCopy: boolean }
  | { readonly crash: 'drained'; readonly ackedSeq: number; readonly backlog: number }
  | { readonly crash: 'stopped' };
