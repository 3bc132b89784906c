import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import type { PrefixDigest, SessionOutcome, VerifiedBy } from './event-types.ts';
import {
  optionalInt,
  optionalText,
  optionalTime,
  requireInt,
  requireOneOf,
  requireText,
  requireTime,
} from './input-checks.ts';
import type { ClipRecord, SessionRecord } from './ledger-records.ts';
import { addToOutbox } from './outbox.ts';
import { findClip, findOfficer, findOpenSession, findRecorder, findSession } from './record-lookups.ts';
import { cachedStatement } from './statement-cache.ts';
import { isSha256Hex, vaultPathFor, vaultRelPathFor } from './vault-path.ts';
import type { WriteContext } from './write-context.ts';

const OUTCOMES: readonly SessionOutcome[] = ['complete', 'partial', 'failed', 'interrupted'];
const VERIFIERS: readonly VerifiedBy[] = ['fadvise-dontneed', 'o-direct', 'buffered'];

/** What the dock session knows when a recorder is docked and identified. */
export interface SessionStartInput {
  readonly serial: string;
  /** Officer number (警号) the recorder reports, when it does. */
  readonly officerNo?: string | null;
  /** Device clock minus dock clock, in ms. */
  readonly clockSkewMs?: number | null;
  readonly batteryPct?: number | null;
  readonly freeBytes?: number | null;
  readonly totalBytes?: number | null;
}

/** How a dock session ended, with the battery and storage read at release. */
export interface SessionFinishInput {
  readonly outcome: SessionOutcome;
  readonly batteryPct?: number | null;
  readonly freeBytes?: number | null;
}

/** What the ingest core hands over after a verified publish. */
export interface SealInput {
  readonly sha256: string;
  readonly size: number;
  /** Path on the recorder volume. */
  readonly sourcePath: string;
  /** Where ingest published it; must equal vaultPathFor(vaultDir, sha256). */
  readonly vaultPath: string;
  readonly sealedAt: Date;
  readonly verifiedBy: VerifiedBy;
  readonly prefixDigests: readonly PrefixDigest[];
  /** The recorder file's modification time when it was opened for the copy. */
  readonly sourceMtimeMs?: number;
  /** SHA-256 of the file's first bytes (up to 1 MiB), for telling a new file of the same name. */
  readonly headSha256?: string;
}

/** What the dock session adds to a seal. */
export interface SealContext {
  readonly serial: string;
  readonly sessionId: string;
  readonly recordingStart?: Date | null;
  readonly recordingEnd?: Date | null;
  readonly durationMs?: number | null;
  /** E.g. 'late' (R1), 'gap' (R9). */
  readonly flags?: readonly string[];
}

/**
 * The stable id of a clip: the first 32 hex digits of SHA-256 over the canonical JSON of
 * ["clip", dockId, serial, sourcePath, sha256]. The same file from the same recorder always gets
 * the same id, which is what makes sealing idempotent and delivery upstream deduplicable.
 */
export function clipIdFor(dockId: string, serial: string, sourcePath: string, sha256: string): string {
  return createHash('sha256')
    .update(canonicalJson(['clip', dockId, serial, sourcePath, sha256]))
    .digest('hex')
    .slice(0, 32);
}

/** Start a dock session. An earlier session of the same recorder still open is closed as interrupted. */
export function startSession(ctx: WriteContext, input: SessionStartInput): SessionRecord {
  const serial = requireText('serial', input.serial);
  if (!findRecorder(ctx.db, serial)) {
    throw new LedgerStateError(`the recorder ${serial} is not registered in the ledger: register it first`);
  }
  const stale = findOpenSession(ctx.db, serial);
  if (stale) {
    finishSession(ctx, stale.id, { outcome: 'interrupted' });
    ctx.logger.warn({ sessionId: stale.id, serial }, 'open dock session closed as interrupted');
  }
  const sessionId = ctx.newId();
  const at = ctx.now();
  ctx.events.append(
    'session.started',
    {
      sessionId,
      serial,
      officerNo: optionalText('officerNo', input.officerNo),
      startedAt: at.toISOString(),
      clockSkewMs: optionalInt('clockSkewMs', input.clockSkewMs, Number.MIN_SAFE_INTEGER),
      batteryPct: optionalInt('batteryPct', input.batteryPct, 0, 100),
      freeBytes: optionalInt('freeBytes', input.freeBytes, 0),
      totalBytes: optionalInt('totalBytes', input.totalBytes, 0),
    },
    at,
  );
  return findSession(ctx.db, sessionId) as SessionRecord;
}

/** Finish an open dock session; the usage record goes to the outbox in the same transaction. */
export function finishSession(
  ctx: WriteContext,
  sessionId: string,
  input: SessionFinishInput,
): SessionRecord {
  const session = findSession(ctx.db, sessionId);
  if (!session) throw new LedgerStateError(`the dock session ${sessionId} is not in the ledger`);
  if (session.finishedAt) throw new LedgerStateError(`the dock session ${sessionId} is already finished`);
  const at = ctx.now();
  const ev = ctx.events.append(
    'session.finished',
    {
      sessionId,
      finishedAt: at.toISOString(),
      outcome: requireOneOf('outcome', input.outcome, OUTCOMES),
      batteryPct: optionalInt('batteryPct', input.batteryPct, 0, 100),
      freeBytes: optionalInt('freeBytes', input.freeBytes, 0),
    },
    at,
  );
  const done = findSession(ctx.db, sessionId) as SessionRecord;
  const clipCount = cachedStatement(ctx.db, 'SELECT count(*) AS n FROM clips WHERE session_id = ?').get(
    sessionId,
  ) as { n: number };
  const officer = done.officerNo ? findOfficer(ctx.db, done.officerNo) : null;
  addToOutbox(ctx.db, {
    kind: 'session',
    recordId: `session:${sessionId}`,
    eventSeq: ev.seq,
    createdAt: at,
    body: {
      sessionId,
      dockId: ctx.dockId,
      serial: done.serial,
      officerNo: done.officerNo,
      // Personal data (R11): the forwarder strips these for targets that are not secure.
      officerName: officer?.name ?? null,
      unitName: officer?.unit ?? null,
      startedAt: done.startedAt.toISOString(),
      finishedAt: at.toISOString(),
      outcome: done.outcome,
      clockSkewMs: done.clockSkewMs,
      batteryPct: done.batteryPct,
      freeBytes: done.freeBytes,
      endBatteryPct: done.endBatteryPct,
      endFreeBytes: done.endFreeBytes,
      totalBytes: done.totalBytes,
      clipCount: clipCount.n,
      seq: ev.seq,
    },
  });
  return done;
}

function sealData(ctx: WriteContext, seal: SealInput, context: SealContext) {
  const sha256 = requireText('sha256', seal.sha256);
  if (!isSha256Hex(sha256))
    throw new LedgerInputError(`the digest '${sha256}' is not 64 lowercase hex digits`);
  if (seal.vaultPath !== vaultPathFor(ctx.vaultDir, sha256)) {
    throw new LedgerInputError(
      `the vault path ${seal.vaultPath} does not match the seal (expected ${vaultPathFor(ctx.vaultDir, sha256)}): the vault path is derived from the digest`,
    );
  }
  const serial = requireText('serial', context.serial);
  const sourcePath = requireText('sourcePath', seal.sourcePath);
  return {
    clipId: clipIdFor(ctx.dockId, serial, sourcePath, sha256),
    sessionId: requireText('sessionId', context.sessionId),
    serial,
    sourcePath,
    size: requireInt('size', seal.size, 0),
    sha256,
    prefixDigests: prefixDigests(seal.prefixDigests),
    verifiedBy: requireOneOf('verifiedBy', seal.verifiedBy, VERIFIERS),
    sealedAt: requireTime('sealedAt', seal.sealedAt),
    recordingStart: optionalTime('recordingStart', context.recordingStart),
    recordingEnd: optionalTime('recordingEnd', context.recordingEnd),
    durationMs: optionalInt('durationMs', context.durationMs, 0),
    flags: [...new Set((context.flags ?? []).map((f) => requireText('flag', f)))].sort(),
    vault: vaultRelPathFor(sha256),
    ...sourceFacts(seal),
  };
}

/** The recorder file's mtime and head digest, when the ingest core handed them over. */
function sourceFacts(seal: SealInput): { sourceMtimeMs?: number; headSha256?: string } {
  const facts: { sourceMtimeMs?: number; headSha256?: string } = {};
  if (seal.sourceMtimeMs !== undefined)
    facts.sourceMtimeMs = requireInt('sourceMtimeMs', Math.trunc(seal.sourceMtimeMs), 0);
  if (seal.headSha256 !== undefined) {
    if (!isSha256Hex(seal.headSha256))
      throw new LedgerInputError(`the head digest '${seal.headSha256}' is not 64 lowercase hex digits`);
    facts.headSha256 = seal.headSha256;
  }
  return facts;
}

function prefixDigests(list: readonly PrefixDigest[]): PrefixDigest[] {
  if (!Array.isArray(list)) throw new LedgerInputError('prefixDigests must be an array');
  return list.map((p, i) => {
    if (!isSha256Hex(p.sha256))
      throw new LedgerInputError(`prefixDigests[${i}].sha256 is not 64 lowercase hex digits`);
    return { offset: requireInt(`prefixDigests[${i}].offset`, p.offset, 0), sha256: p.sha256 };
  });
}

/**
 * Record a seal. Idempotent: the same file from the same recorder (same clip id) is sealed once,
 * and a second call returns the first record without a new event. The clip's index record goes to
 * the outbox in the same transaction.
 */
export function recordSeal(ctx: WriteContext, seal: SealInput, context: SealContext): ClipRecord {
  const data = sealData(ctx, seal, context);
  const existing = findClip(ctx.db, data.clipId);
  if (existing) return existing;
  const session = findSession(ctx.db, data.sessionId);
  if (!session) throw new LedgerStateError(`the dock session ${data.sessionId} is not in the ledger`);
  if (session.serial !== data.serial) {
    throw new LedgerStateError(
      `the dock session ${data.sessionId} belongs to recorder ${session.serial}, not ${data.serial}`,
    );
  }
  if (session.finishedAt)
    throw new LedgerStateError(`the dock session ${data.sessionId} is finished: start a new one`);
  const ev = ctx.events.append('clip.sealed', data, ctx.now());
  // Personal data (R11): the forwarder strips officer and unit names for targets that are not secure.
  const officer = session.officerNo ? findOfficer(ctx.db, session.officerNo) : null;
  const {
    prefixDigests: _resumeOnly,
    vault: _localOnly,
    sourceMtimeMs: _mtime,
    headSha256: _head,
    ...index
  } = data;
  addToOutbox(ctx.db, {
    kind: 'clip',
    recordId: `clip:${data.clipId}`,
    eventSeq: ev.seq,
    createdAt: ctx.now(),
    body: {
      ...index,
      dockId: ctx.dockId,
      officerNo: session.officerNo,
      officerName: officer?.name ?? null,
      unitName: officer?.unit ?? null,
      late: data.flags.includes('late'),
      labels: [],
      seq: ev.seq,
    },
  });
  return clipFromSeal(data, ev.seq);
}

// The record as the projection wrote it, without reading it back (sealing is the hot path).
function clipFromSeal(d: ReturnType<typeof sealData>, seq: number): ClipRecord {
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  return {
    id: d.clipId,
    sessionId: d.sessionId,
    serial: d.serial,
    sourcePath: d.sourcePath,
    size: d.size,
    sha256: d.sha256,
    prefixDigests: d.prefixDigests,
    verifiedBy: d.verifiedBy,
    recordingStart: date(d.recordingStart),
    recordingEnd: date(d.recordingEnd),
    durationMs: d.durationMs,
    vaultRel: d.vault,
    sealedAt: new Date(d.sealedAt),
    flags: d.flags,
    sealSeq: seq,
    sourceMtimeMs: d.sourceMtimeMs ?? null,
    headSha256: d.headSha256 ?? null,
  };
}
