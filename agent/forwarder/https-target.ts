import { Agent, request } from 'undici';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.ts';
import { parseRetryAfter } from './backoff.ts';
import type { OutgoingBatch } from './batch.ts';
import { CheckpointFetchError } from './errors.ts';
import { type ForwardTarget, retryOutcome, type SendOutcome } from './target.ts';

/** How the https target connects. */
export interface HttpsTargetOptions {
  /** Batches are POSTed here. */
  readonly url: string;
  /** The newest checkpoint of a dock is fetched here; `{dock}` is replaced by the dock id. */
  readonly checkpointUrl: string;
  readonly token: string | null;
  /** PEM client certificate, its key, and the CA bundle the server must chain to. */
  readonly tls: { readonly cert?: string; readonly key?: string; readonly ca?: string };
  readonly timeoutMs: number;
  readonly now: () => Date;
}

/** Statuses that say the target is unavailable for now: retry the same batch later. */
const RETRY_STATUSES = new Set([408, 425, 429]);
/** Statuses about access or the address, not the records: retry, and say what to fix. */
const REFUSED_STATUSES = new Set([401, 403, 404, 405, 407, 421]);

/** The default checkpoint URL for a batch URL. */
export function defaultCheckpointUrl(url: string): string {
  return `${url.replace(/\/+$/, '')}/checkpoints/{dock}/latest`;
}

/**
 * The `https` target: the JSON API of an existing platform, through undici. Each batch is one
 * POST of the batch envelope (canonical JSON) with `Idempotency-Key: <batch key>`. 2xx means
 * acknowledged; 409 means the receiver has it already; 408/425/429/5xx, timeouts and dropped
 * connections are retried (honouring Retry-After); 401/403/404/405/407/421 are configuration
 * problems, also retried; any other 4xx rejects the batch's content, which the forwarder then
 * narrows down to the poison record. The response body is read to the end before a 2xx counts.
 */
export class HttpsTarget implements ForwardTarget {
  readonly description: string;
  readonly identity: string;
  readonly secure: boolean;
  private readonly agent: Agent;

  constructor(private readonly opts: HttpsTargetOptions) {
    const url = new URL(opts.url);
    this.description = `${url.origin}${url.pathname}`;
    this.identity = `https:${this.description}`;
    const authenticated = opts.token !== null || opts.tls.cert !== undefined;
    this.secure = url.protocol === 'https:' && authenticated;
    this.agent = new Agent({
      connect: { ...opts.tls, timeout: opts.timeoutMs },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  async send(batch: OutgoingBatch): Promise<SendOutcome> {
    let status: number;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const res = await request(this.opts.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          ...this.authHeaders(),
          'content-type': 'application/json',
          'idempotency-key': batch.key,
          'x-content-sha256': batch.sha256,
        },
        body: batch.body,
      });
      status = res.statusCode;
      retryAfterHeader = res.headers['retry-after'];
      // The whole response, or it does not count: a connection dropped mid-response is retried.
      await res.body.text();
    } catch (err) {
      return retryOutcome(err, `POST to ${this.description} failed`);
    }
    return this.classify(status, retryAfterHeader);
  }

  async fetchLatestCheckpoint(dockId: string): Promise<Checkpoint | null> {
    const url = this.opts.checkpointUrl.replaceAll('{dock}', encodeURIComponent(dockId));
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: { ...this.authHeaders(), accept: 'application/json' },
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new CheckpointFetchError(url, (err as Error).message, { cause: err });
    }
    if (status === 404) return null;
    if (status !== 200) throw new CheckpointFetchError(url, `HTTP ${status}`);
    return parseCheckpoint(text, url);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private authHeaders(): Record<string, string> {
    return this.opts.token === null ? {} : { authorization: `Bearer ${this.opts.token}` };
  }

  private classify(status: number, retryAfterHeader: string | string[] | undefined): SendOutcome {
    if (status >= 200 && status < 300) return { kind: 'acked', duplicate: false };
    if (status === 409) return { kind: 'acked', duplicate: true };
    const retryAfterMs = parseRetryAfter(retryAfterHeader, this.opts.now());
    if (status >= 500 || RETRY_STATUSES.has(status)) {
      return {
        kind: 'retry',
        code: `HTTP_${status}`,
        message: `${this.description} answered ${status}`,
        retryAfterMs,
      };
    }
    if (REFUSED_STATUSES.has(status) || status < 200 || (status >= 300 && status < 400)) {
      return {
        kind: 'retry',
        code: `HTTP_${status}`,
        message: `${this.description} refused the request (${status}): check the URL, the token or client certificate`,
        retryAfterMs,
      };
    }
    return { kind: 'rejected', status, message: `${this.description} rejected the batch (${status})` };
  }
}
