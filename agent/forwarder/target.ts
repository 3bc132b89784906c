import type { Checkpoint } from '../ledger/checkpoint.ts';
import type { OutgoingBatch } from './batch.ts';

/**
 * What became of one send. Targets never throw for a failed delivery; they say what happened:
 * - `acked`: the target holds the batch (`duplicate`: it already had it, e.g. a resend);
 * - `retry`: the target is unreachable or failing (5xx, timeout, dropped connection, bad
 *   credentials, missing bucket …); try the same batch again later, no sooner than `retryAfterMs`;
 * - `rejected`: the target refuses this content (an HTTP 4xx other than 401/403/404/408/409/429),
 *   so some record in it is poison;
 * - `conflict`: an object with this batch's key holds other content. Keys never repeat within an
 *   epoch, so the ledger went back in time unnoticed: start a new epoch.
 */
export type SendOutcome =
  | { readonly kind: 'acked'; readonly duplicate: boolean }
  | {
      readonly kind: 'retry';
      readonly code: string;
      readonly message: string;
      readonly retryAfterMs: number | null;
    }
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string }
  | { readonly kind: 'conflict'; readonly key: string };

/** A central store the forwarder delivers to. */
export interface ForwardTarget {
  /** Where it sends, for logs and status: no credentials in it. */
  readonly description: string;
  /** Identity of the destination (type and location): a change resets the delivery cursor. */
  readonly identity: string;
  /** Authenticated and encrypted, so personal fields may be sent (R11). */
  readonly secure: boolean;
  /** Deliver one batch. Never rejects; failures are outcomes. */
  send(batch: OutgoingBatch): Promise<SendOutcome>;
  /** The newest checkpoint the target holds for `dockId`, or null when it holds none. */
  fetchLatestCheckpoint(dockId: string): Promise<Checkpoint | null>;
  /** Release connections. */
  close(): Promise<void>;
}

/** A retry outcome for an error thrown by a client library or the file system. */
export function retryOutcome(err: unknown, what: string, retryAfterMs: number | null = null): SendOutcome {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'ERROR';
  const detail = typeof e.message === 'string' && e.message !== '' ? e.message : code;
  return { kind: 'retry', code, message: `${what}: ${detail}`, retryAfterMs };
}
