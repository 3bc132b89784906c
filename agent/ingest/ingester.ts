import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { SourceGoneError } from '../../drivers/contract/errors.ts';
import type { SourceSpec } from '../../drivers/contract/source.ts';
import { DockError, errnoCode } from '../errors.ts';
import { mkdirDurable, publishNoReplace } from '../fs/durable-write.ts';
import { failpoint } from '../ops/failpoints.ts';
import { abortReason, unlessAborted } from './abortable.ts';
import {
  ChecksumMismatchError,
  CopyStillRunningError,
  DestinationFullError,
  DestinationPermissionError,
} from './errors.ts';
import { type IngestProgress, ProgressMeter } from './progress.ts';
import { type PrefixDigest, type ResumeState, writeResumeState } from './resume-state.ts';
import { DEFAULT_SEAL_TUNING, HEAD_DIGEST_BYTES, type SealOutcome, type SealTuning } from './seal-pass.ts';
import type { VaultLayout } from './vault.ts';
import type { VerifyMethod, VerifyOutcome } from './verify-pass.ts';
import type { IngestTaskRunner } from './worker-pool.ts';

/** One file to bring into the vault. */
export interface IngestRequest {
  readonly source: SourceSpec;
  /** Identifies this source across docks so a partial copy can resume (e.g. serial + path). */
  readonly resumeKey: string;
  /** Whose file it is (the recorder's serial): carried to progress reports as is. */
  readonly owner?: string;
}

/**
 * A request of `ingestAll` whose source is opened only when its turn comes: a recorder file is
 * looked up on the volume right before it is copied, not when the batch is planned.
 */
export interface LazyIngestRequest {
  readonly open: () => Promise<SourceSpec>;
  readonly resumeKey: string;
  readonly owner?: string;
}

/** A file sealed into the vault: copied once, hashed, fsynced, read back and verified, published. */
export interface IngestResult {
  readonly sourcePath: string;
  readonly sha256: string;
  readonly size: number;
  /** The sealed file, derived from the digest. */
  readonly vaultPath: string;
  /** True when the vault already held identical content; nothing new was stored. */
  readonly duplicate: boolean;
  readonly verifiedBy: VerifyMethod;
  readonly prefixDigests: readonly PrefixDigest[];
  /** Bytes taken from a partial copy kept from an earlier, interrupted dock. */
  readonly resumedFrom: number;
  readonly sealedAt: Date;
  /** SHA-256 of the first bytes (up to 1 MiB): tells a later file of the same name apart cheaply. */
  readonly headSha256: string;
  /** Size and modification time of the source when it was opened. */
  readonly sourceSize: number;
  readonly sourceMtimeMs: number;
  /**
   * The source grew, shrank or was modified while it was copied: what was read is sealed, but
   * those bytes are not proven to be the file's, so it must not be deleted from the recorder.
   */
  readonly sourceChanged: boolean;
}

/** The settled outcome of one request of `ingestAll`. */
export type IngestSettled<R = IngestRequest> =
  | { readonly request: R; readonly ok: true; readonly result: IngestResult }
  | { readonly request: R; readonly ok: false; readonly error: Error };

/** Collaborators of the ingester, injected. */
export interface IngesterDeps {
  /** The worker pool (or, in fault tests, a wrapper around it). */
  readonly pool: IngestTaskRunner;
  readonly layout: VaultLayout;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly tuning?: SealTuning;
}

type ProgressListener = (progress: IngestProgress) => void;

/**
 * The ingest core as the rest of the agent sees it. Copy and hash run in the worker pool; this
 * class orders the steps (seal → verify → publish), overlaps the verify of one file with the copy
 * of the next, maps failures to typed errors and reports progress to listeners.
 */
export class Ingester {
  private readonly listeners = new Set<ProgressListener>();
  /** Staged parts a seal pass is writing, including passes left behind on a read that hangs. */
  private readonly copying = new Set<string>();
  private readonly now: () => Date;
  private readonly tuning: SealTuning;

  constructor(private readonly deps: IngesterDeps) {
    this.now = deps.now ?? (() => new Date());
    this.tuning = deps.tuning ?? DEFAULT_SEAL_TUNING;
  }

  /** Subscribe to progress of every ingest; returns the unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * SHA-256 of a recorder file's first bytes (as IngestResult.headSha256), read in a worker: the
   * cheap first check of whether a listed file is one already sealed.
   */
  headDigest(source: SourceSpec, signal?: AbortSignal): Promise<string> {
    return unlessAborted(
      this.deps.pool.run<string>({ kind: 'head', source, bytes: HEAD_DIGEST_BYTES }),
      signal,
    );
  }

  /** Ingest one file completely (seal, verify, publish). */
  async ingest(request: IngestRequest): Promise<IngestResult> {
    await this.deps.layout.ensureDirs();
    const sealed = await this.seal(request);
    const result = await this.verifyAndPublish(request, sealed);
    await this.forgetState(request.resumeKey);
    return result;
  }

  /**
   * Ingest files one after another from one source device, verifying each while the next copies.
   * After the device is gone (SourceGoneError), or once `signal` is aborted, the remaining files
   * are reported with that error (the signal's reason) without being attempted; a copy reading
   * when `signal` aborts is not waited for (a read of a vanished recorder may never return) and
   * fails with the signal's reason, its part kept for the next dock. A read error on
   * one file (SourceReadError) fails that file only. `onSettled` runs for each file in request
   * order as soon as that file is settled (the dock records the seal there); an error it throws
   * marks that file failed. A file's resume state, which names its published copy, is removed only
   * after `onSettled` returned: a crash before that leaves the dock what it needs to seal it.
   */
  async ingestAll<R extends IngestRequest | LazyIngestRequest>(
    requests: readonly R[],
    options: {
      readonly onSettled?: (settled: IngestSettled<R>) => Promise<void> | void;
      readonly signal?: AbortSignal;
    } = {},
  ): Promise<IngestSettled<R>[]> {
    await this.deps.layout.ensureDirs();
    const results: Promise<IngestSettled<R>>[] = [];
    let previous: Promise<unknown> = Promise.resolve();
    const report = (settling: Promise<IngestSettled<R>>) => {
      const done = Promise.all([settling, previous]).then(([s]) => this.afterSettled(s, options.onSettled));
      previous = done;
      results.push(done);
    };
    let gone: Error | null = null;
    for (const request of requests) {
      const stop = gone ?? (options.signal?.aborted ? abortReason(options.signal) : null);
      if (stop) {
        report(Promise.resolve({ request, ok: false, error: stop }));
        continue;
      }
      try {
        const concrete = await unlessAborted(opened(request), options.signal);
        const sealed = await unlessAborted(this.seal(concrete), options.signal);
        report(settle(request, this.verifyAndPublish(concrete, sealed)));
      } catch (err) {
        if (err instanceof SourceGoneError) gone = err;
        report(Promise.resolve({ request, ok: false, error: err as Error }));
      }
    }
    return Promise.all(results);
  }

  private async afterSettled<R extends IngestRequest | LazyIngestRequest>(
    settled: IngestSettled<R>,
    onSettled: ((s: IngestSettled<R>) => Promise<void> | void) | undefined,
  ): Promise<IngestSettled<R>> {
    try {
      await onSettled?.(settled);
    } catch (error) {
      return { request: settled.request, ok: false, error: error as Error };
    }
    if (settled.ok) await this.forgetState(settled.request.resumeKey);
    return settled;
  }

  /** Remove a sealed file's resume state; a failure leaves it for the next dock to settle. */
  private async forgetState(resumeKey: string): Promise<void> {
    const { statePath } = this.deps.layout.stagingFor(resumeKey);
    await fsp.rm(statePath, { force: true }).catch((err: Error) => {
      this.deps.logger.warn({ statePath, err: err.message }, 'resume state of a sealed file not removed');
    });
  }

  private async seal(
    request: IngestRequest,
  ): Promise<SealOutcome & { stagedPath: string; statePath: string }> {
    const { stagedPath, statePath } = this.deps.layout.stagingFor(request.resumeKey);
    if (this.copying.has(stagedPath)) throw new CopyStillRunningError(request.source.path);
    this.copying.add(stagedPath);
    try {
      return await this.sealInto(request, stagedPath, statePath);
    } finally {
      this.copying.delete(stagedPath);
    }
  }

  private async sealInto(
    request: IngestRequest,
    stagedPath: string,
    statePath: string,
  ): Promise<SealOutcome & { stagedPath: string; statePath: string }> {
    const job = {
      source: request.source,
      resumeKey: request.resumeKey,
      stagedPath,
      statePath,
      tuning: this.tuning,
    };
    const report = this.reporter(request, 'copy');
    const outcome = await this.deps.pool.run<SealOutcome>({ kind: 'seal', job }, report);
    if (outcome.resumedFrom > 0) {
      this.deps.logger.info(
        { source: request.source.path, resumedFrom: outcome.resumedFrom },
        'copy resumed from kept part',
      );
    }
    return { ...outcome, stagedPath, statePath };
  }

  private async verifyAndPublish(
    request: IngestRequest,
    sealed: SealOutcome & { stagedPath: string; statePath: string },
  ): Promise<IngestResult> {
    const report = this.reporter(request, 'verify');
    report(0, sealed.size);
    const check = await this.deps.pool.run<VerifyOutcome>(
      {
        kind: 'verify',
        file: sealed.stagedPath,
        bufferBytes: this.tuning.bufferBytes,
        totalBytes: sealed.size,
      },
      report,
    );
    report(check.size, sealed.size);
    if (check.sha256 !== sealed.sha256 || check.size !== sealed.size) {
      const quarantined = await this.quarantine(sealed.stagedPath, sealed.statePath);
      throw new ChecksumMismatchError(request.source.path, sealed.sha256, check.sha256, quarantined);
    }
    failpoint('ingest.verify.done', request.source.path);
    const vaultPath = this.deps.layout.sealedPath(sealed.sha256);
    const sealedAt = this.now();
    const marker = publishedState(request, sealed, check.method, sealedAt);
    const duplicate = !(await this.publish(request, sealed, vaultPath, marker));
    failpoint('ingest.published', request.source.path);
    const result: IngestResult = {
      sourcePath: request.source.path,
      sha256: sealed.sha256,
      size: sealed.size,
      vaultPath,
      duplicate,
      verifiedBy: check.method,
      prefixDigests: sealed.prefixDigests,
      resumedFrom: sealed.resumedFrom,
      sealedAt,
      headSha256: sealed.headSha256,
      sourceSize: sealed.sourceSize,
      sourceMtimeMs: sealed.sourceMtimeMs,
      sourceChanged: sealed.sourceChanged,
    };
    this.deps.logger.info(
      {
        source: request.source.path,
        sha256: result.sha256,
        size: result.size,
        duplicate,
        writtenBy: sealed.writeMode,
        verifiedBy: check.method,
      },
      'file sealed',
    );
    return result;
  }

  /**
   * Link the verified copy into place, its resume state first saying so (`marker`); false when
   * identical content was already there.
   */
  private async publish(
    request: IngestRequest,
    { stagedPath, statePath, size }: { stagedPath: string; statePath: string; size: number },
    vaultPath: string,
    marker: ResumeState,
  ): Promise<boolean> {
    try {
      await writeResumeState(statePath, marker);
      if (await publishNoReplace(stagedPath, vaultPath)) return true;
      const existing = await fsp.stat(vaultPath);
      if (existing.size !== size) {
        throw new DockError(
          'VAULT_CONFLICT',
          `the vault file ${vaultPath} has ${existing.size} bytes but its name says ${size}: the vault was altered; run 'dockctl verify --files'`,
        );
      }
      await fsp.rm(stagedPath);
      return false;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new DestinationFullError(request.source.path, err);
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
        throw new DestinationPermissionError(vaultPath, err);
      throw err;
    }
  }

  private async quarantine(stagedPath: string, statePath: string): Promise<string> {
    const target = this.deps.layout.quarantinePath(stagedPath, this.now());
    await mkdirDurable(path.dirname(target));
    await fsp.rename(stagedPath, target);
    await fsp.rm(statePath, { force: true });
    this.deps.logger.error({ quarantined: target }, 'copy failed verification');
    return target;
  }

  private reporter(
    request: IngestRequest,
    phase: IngestProgress['phase'],
  ): (done: number, total: number) => void {
    const meter = new ProgressMeter();
    return (bytesDone, bytesTotal) => {
      const { bytesPerSecond, etaSeconds } = meter.sample(Date.now(), bytesDone, bytesTotal);
      const progress: IngestProgress = {
        resumeKey: request.resumeKey,
        owner: request.owner ?? '',
        sourcePath: request.source.path,
        phase,
        bytesDone,
        bytesTotal,
        bytesPerSecond,
        etaSeconds,
      };
      for (const listener of this.listeners) listener(progress);
    };
  }
}

/** The resume state of a verified copy about to be published: it names the copy (ResumeState.published). */
function publishedState(
  request: IngestRequest,
  sealed: SealOutcome,
  verifiedBy: VerifyMethod,
  sealedAt: Date,
): ResumeState {
  return {
    version: 1,
    resumeKey: request.resumeKey,
    sourcePath: request.source.path,
    sourceSize: sealed.sourceSize,
    sourceMtimeMs: sealed.sourceMtimeMs,
    offset: sealed.size,
    prefixDigests: sealed.prefixDigests,
    updatedAt: sealedAt.toISOString(),
    published: {
      sha256: sealed.sha256,
      size: sealed.size,
      headSha256: sealed.headSha256,
      verifiedBy,
      sourceChanged: sealed.sourceChanged,
      resumedFrom: sealed.resumedFrom,
      sealedAt: sealedAt.toISOString(),
    },
  };
}

/** The request with its source opened (a plain request is returned as it is). */
async function opened(request: IngestRequest | LazyIngestRequest): Promise<IngestRequest> {
  if (!('open' in request)) return request;
  return { source: await request.open(), resumeKey: request.resumeKey, owner: request.owner };
}

function settle<R>(request: R, promise: Promise<IngestResult>): Promise<IngestSettled<R>> {
  return promise.then(
    (result) => ({ request, ok: true as const, result }),
    (error: Error) => ({ request, ok: false as const, error }),
  );
}
