/** What kind of failure a finding is. Stable names: scripts and tests match on them. */
export type FindingKind =
  | 'ledger-empty'
  | 'genesis-invalid'
  | 'sequence-gap'
  | 'sequence-mismatch'
  | 'event-malformed'
  | 'event-not-canonical'
  | 'event-foreign-dock'
  | 'hash-mismatch'
  | 'chain-break'
  | 'replay-failed'
  | 'table-mismatch'
  | 'table-row-missing'
  | 'table-row-unsealed'
  | 'key-file-mismatch'
  | 'checkpoint-key'
  | 'checkpoint-signature'
  | 'checkpoint-head'
  | 'checkpoint-beyond-head'
  | 'against-dock'
  | 'against-key'
  | 'against-signature'
  | 'against-truncated'
  | 'against-diverged'
  | 'vault-mismatch'
  | 'vault-unsealed'
  | 'vault-missing'
  | 'vault-unexpected';

/** One thing that does not hold: where (sequence number when there is one) and what is wrong. */
export interface Finding {
  readonly seq: number | null;
  readonly kind: FindingKind;
  /** What is wrong, in English (the log, --json, the English report). */
  readonly message: string;
  /** The thing it concerns as data (a vault file, a table row's key), to show in any language. */
  readonly subject?: string;
}

/** Progress of a long verification step, for a display. */
export interface VerifyProgress {
  readonly stage: 'events' | 'tables' | 'vault';
  readonly done: number;
  readonly total: number;
}

/** Result of checking the local chain against a checkpoint obtained elsewhere. */
export interface AgainstResult {
  readonly seq: number;
  readonly head: string;
  /** True when the checkpoint is genuine and the intact local chain passes through it. */
  readonly extends: boolean;
}

/** Everything verify found. `ok` only when there are no findings at all. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly file: string;
  readonly dockId: string | null;
  readonly schema: number;
  readonly head: { seq: number; hash: string | null };
  readonly stats: {
    events: number;
    checkpoints: number;
    clips: number;
    vaultFiles: number | null;
    /** Sealed files absent on purpose (purged, recoverable, evicted), with --files. */
    vaultAbsent: { purged: number; recoverable: number; evicted: number } | null;
  };
  /** Findings listed (at most `listLimit` per kind; `counts` has the exact totals). */
  readonly findings: Finding[];
  readonly counts: Partial<Record<FindingKind, number>>;
  readonly against: AgainstResult | null;
}

/** Collects findings, listing each kind up to a limit but counting all of them. */
export class FindingCollector {
  readonly findings: Finding[] = [];
  readonly counts: Partial<Record<FindingKind, number>> = {};

  constructor(private readonly listLimit = 10_000) {}

  /** Record one finding; `subject` names what it concerns, as data. */
  add(seq: number | null, kind: FindingKind, message: string, subject?: string): void {
    const n = (this.counts[kind] ?? 0) + 1;
    this.counts[kind] = n;
    if (n <= this.listLimit) this.findings.push({ seq, kind, message, ...(subject ? { subject } : {}) });
  }

  /** How many findings of these kinds (all kinds when none given). */
  count(...kinds: FindingKind[]): number {
    const entries = Object.entries(this.counts) as [FindingKind, number][];
    return entries
      .filter(([k]) => kinds.length === 0 || kinds.includes(k))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  /** Findings sorted by sequence number (findings without one last), stable otherwise. */
  sorted(): Finding[] {
    return [...this.findings].sort(
      (a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER),
    );
  }
}
