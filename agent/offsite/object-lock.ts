import type { LockState, ObjectVersion, OffsiteStore } from './offsite-store.ts';

/** The lock a footage copy should carry. */
export interface WantedLock {
  /** Retention end (the clip's retention end), or null when none is due. */
  readonly retainUntil: Date | null;
  /** R4 hold: a legal hold on the object. */
  readonly legalHold: boolean;
}

/** One way a lock read back falls short: the catalogue says it in words (alert-text.ts). */
export type LockFault = 'mode' | 'until' | 'legal-hold' | 'no-version';

/** What reading the lock back showed. */
export interface LockCheck {
  /** True when the store reports at least the wanted lock; null when the store has no locks. */
  readonly kept: boolean | null;
  readonly state: LockState | null;
  /** One sentence naming what is missing, when not kept (English, for the log and the detail). */
  readonly problem: string | null;
  /** What falls short, as codes with the facts to say it in any language; empty when kept. */
  readonly faults: LockFaults;
}

/** The facts of a lock that was not kept, flat (they go into an alert's facts). */
export interface LockFaults {
  /** The faults, comma-separated LockFault codes; '' when the lock is kept. */
  readonly faults: string;
  /** The retention mode the store shows ('' for none) and the one wanted. */
  readonly mode: string;
  readonly wantedMode: string;
  /** The retention end the store shows ('' for none) and the one wanted, ISO times. */
  readonly retainedUntil: string;
  readonly wantedUntil: string;
}

const NO_FAULTS: LockFaults = { faults: '', mode: '', wantedMode: '', retainedUntil: '', wantedUntil: '' };

/** Stores keep retention dates to the second. */
const SLACK_MS = 1000;

function refusedByStore(err: unknown): boolean {
  const code = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return code !== undefined && code >= 400 && code < 500 && code !== 408 && code !== 429;
}

/**
 * Apply the wanted lock to a written version: PutObjectRetention after the write (Object Lock
 * headers on a multipart upload are silently ignored by some stores, OBJECT-STORE.md), and a legal
 * hold for held clips. A retention end already past is not applied. A store that refuses (a
 * COMPLIANCE lock already longer cannot be shortened) is not an error here: `checkLock` reads
 * back what the object carries and judges.
 */
export async function applyLock(
  store: OffsiteStore,
  version: ObjectVersion,
  want: WantedLock,
  now: Date,
): Promise<void> {
  const mode = store.lockMode;
  if (!mode) return;
  if (want.retainUntil && want.retainUntil.getTime() > now.getTime()) {
    const until = want.retainUntil;
    await tolerateRefusal(() => store.setRetention(version, mode, until));
  }
  if (want.legalHold) await tolerateRefusal(() => store.setLegalHold(version, true));
}

async function tolerateRefusal(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!refusedByStore(err)) throw err;
  }
}

/** Read the lock back and compare it with what was wanted: a store may accept a lock and not keep it. */
export async function checkLock(
  store: OffsiteStore,
  version: ObjectVersion,
  want: WantedLock,
  now: Date,
): Promise<LockCheck> {
  if (!store.lockMode) return { kept: null, state: null, problem: null, faults: NO_FAULTS };
  const state = await store.lockState(version);
  const problems: string[] = [];
  const faults: LockFault[] = [];
  const wantsRetention = want.retainUntil !== null && want.retainUntil.getTime() > now.getTime();
  if (want.retainUntil && wantsRetention) {
    if (state.mode !== store.lockMode) {
      faults.push('mode');
      problems.push(`retention mode is ${state.mode ?? 'none'}, not ${store.lockMode}`);
    }
    if (!state.retainUntil || state.retainUntil.getTime() < want.retainUntil.getTime() - SLACK_MS) {
      faults.push('until');
      problems.push(
        `retained until ${state.retainUntil?.toISOString() ?? 'never'}, not ${want.retainUntil.toISOString()}`,
      );
    }
  }
  if (want.legalHold && !state.legalHold) {
    faults.push('legal-hold');
    problems.push('the legal hold is not on');
  }
  if (version.versionId === null) {
    faults.push('no-version');
    problems.push('the store returned no version id (versioning is off)');
  }
  return {
    kept: problems.length === 0,
    state,
    problem: problems.length === 0 ? null : `${version.key}: ${problems.join('; ')}`,
    faults: {
      faults: faults.join(','),
      mode: state.mode ?? '',
      wantedMode: store.lockMode,
      retainedUntil: state.retainUntil?.toISOString() ?? '',
      wantedUntil: wantsRetention ? (want.retainUntil?.toISOString() ?? '') : '',
    },
  };
}
