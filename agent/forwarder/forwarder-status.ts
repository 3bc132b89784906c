import type { OutboxBacklog } from '../ledger/outbox.ts';
import type { ForwardState, LastError } from './forward-state.ts';

/** What the forwarder is doing. `unknown`: read from the state file by another process. */
export type ForwarderPhase = 'starting' | 'idle' | 'sending' | 'retrying' | 'stopped' | 'unknown';

/** Delivery status for the page, /readyz and `dockctl forward status`. No personal data in it. */
export interface ForwarderStatus {
  /** Where records go (no credentials). */
  readonly target: string | null;
  readonly phase: ForwarderPhase;
  /**
   * False while the target is failing: a readiness fact for /readyz and the page, never a reason
   * for the process to exit.
   */
  readonly targetReachable: boolean;
  readonly epoch: string | null;
  /** Every record up to this forwarding seq is acknowledged. */
  readonly ackedSeq: number;
  /** Records not yet acknowledged. */
  readonly backlog: number;
  /** When the oldest unacknowledged record was written, and how long ago. */
  readonly oldestUnsentAt: string | null;
  readonly oldestUnsentAgeMs: number | null;
  readonly lastSuccessAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastError: LastError | null;
  readonly nextAttemptAt: string | null;
  /** Records the target refused, skipped with an alert. */
  readonly parked: number;
  /** Whether personal fields go to this target (R11). */
  readonly personalFields: 'sent' | 'withheld' | null;
}

/** The status from the state (null: the forwarder never ran) and the outbox after its cursor. */
export function buildStatus(
  state: ForwardState | null,
  backlog: OutboxBacklog,
  now: Date,
  phase: ForwarderPhase,
): ForwarderStatus {
  const oldest = backlog.oldestCreatedAt;
  return {
    target: state?.targetDescription ?? null,
    phase,
    targetReachable: state !== null && (state.failures ?? 0) === 0,
    epoch: state?.epoch ?? null,
    ackedSeq: state?.ackedSeq ?? 0,
    backlog: backlog.count,
    oldestUnsentAt: oldest?.toISOString() ?? null,
    oldestUnsentAgeMs: oldest ? Math.max(0, now.getTime() - oldest.getTime()) : null,
    lastSuccessAt: state?.lastSuccessAt ?? null,
    lastAttemptAt: state?.lastAttemptAt ?? null,
    lastError: state?.lastError ?? null,
    nextAttemptAt: phase === 'retrying' || phase === 'unknown' ? (state?.nextAttemptAt ?? null) : null,
    parked: state?.parked.length ?? 0,
    personalFields: state?.personalFields ?? null,
  };
}
