import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { LockSyncRow } from '../ledger/retention-queries.ts';
import { labelKey } from '../offsite/object-keys.ts';
import { applyLock, checkLock, type WantedLock } from '../offsite/object-lock.ts';
import { offsiteAlerts } from '../offsite/offsite-alerts.ts';
import type { OffsiteStore } from '../offsite/offsite-store.ts';
import { readBack } from '../offsite/read-back.ts';
import type { LifecycleDeps } from './lifecycle-deps.ts';
import { lockUntil, retentionOf } from './retention-policy.ts';

/** What one sync changed. */
export interface LockSyncReport {
  readonly relocked: number;
  readonly labelled: number;
  /** Held clips without a verified off-site copy (an alert each). */
  readonly heldWithoutCopy: number;
}

const DAY = 86_400_000;

/**
 * Keep every off-site lock what the ledger now wants, then verify it: a legal hold on held clips
 * (cleared when the last hold is lifted), retention extended when a clip became evidence, was
 * exported or its case was closed later. Each change is followed by a full read-back, recorded as
 * a verification, so a held clip's second copy is verified when it is held (R4). Held clips get a
 * label object (unit, maker, recording time, case), only on an encrypted, authenticated store (R11).
 */
export async function syncLocks(deps: LifecycleDeps): Promise<LockSyncReport> {
  const store = deps.store;
  let relocked = 0;
  let labelled = 0;
  if (store) {
    for (const row of deps.ledger.lockSyncRows(store.description)) {
      const want = wanted(deps, row);
      const extend =
        want.retainUntil &&
        (!row.retainUntil || want.retainUntil.getTime() > row.retainUntil.getTime() + DAY);
      if (row.held && store.secure) labelled += (await writeLabels(deps, store, row)) ? 1 : 0;
      if (!extend && want.legalHold === row.legalHold) continue;
      await relock(deps, store, row, want);
      relocked++;
    }
  }
  return { relocked, labelled, heldWithoutCopy: checkHeldCopies(deps) };
}

function wanted(deps: LifecycleDeps, row: LockSyncRow): WantedLock {
  let until: Date | null = null;
  for (const facts of deps.ledger.retentionRows(row.clipIds)) {
    const end = lockUntil(retentionOf(facts, deps.policy), deps.policy, deps.now());
    if (!until || end.getTime() > until.getTime()) until = end;
  }
  // Never ask for less than the lock already set: a COMPLIANCE retention cannot be shortened.
  if (row.retainUntil && (!until || until.getTime() < row.retainUntil.getTime())) until = row.retainUntil;
  return { retainUntil: until, legalHold: row.held };
}

async function relock(
  deps: LifecycleDeps,
  store: OffsiteStore,
  row: LockSyncRow,
  want: WantedLock,
): Promise<void> {
  const version = { key: row.key, versionId: row.versionId, size: row.size };
  await applyLock(store, version, want, deps.now());
  if (!want.legalHold && row.legalHold) await store.setLegalHold(version, false);
  const back = await readBack(store, version, row);
  const lock = await checkLock(store, version, want, deps.now());
  deps.ledger.recordCopy({
    sha256: row.sha256,
    size: row.size,
    store: store.description,
    key: row.key,
    versionId: row.versionId,
    purpose: 'scrub',
    result: back.result,
    actualSha256: back.actualSha256,
    method: 'read-back-sha256',
    verifiedAt: deps.now(),
    retainUntil: want.retainUntil,
    legalHold: want.legalHold,
    lockKept: lock.kept,
  });
  const f = { sha256: row.sha256, store: store.description, key: row.key };
  if (back.result !== 'ok')
    deps.ledger.openAlert(
      offsiteAlerts.copyMismatch(row.clipIds, { ...f, result: back.result, purpose: 'scrub' }),
    );
  if (lock.kept === false)
    deps.ledger.openAlert(
      offsiteAlerts.lockNotKept(row.clipIds, {
        ...f,
        problem: lock.problem ?? 'the lock is not shown',
        ...lock.faults,
      }),
    );
}

/** Write (or replace) a held file's label object; false when it already says the same. */
async function writeLabels(deps: LifecycleDeps, store: OffsiteStore, row: LockSyncRow): Promise<boolean> {
  const clips = deps.ledger.labelFacts(row.sha256);
  const holds = clips.flatMap((c) => deps.ledger.holdsOfClip(c.clipId));
  const body = Buffer.from(
    JSON.stringify({
      v: 1,
      sha256: row.sha256,
      clips: clips.map((c) => ({
        clipId: c.clipId,
        recorder: c.serial,
        unit: c.unit,
        maker: { officerNo: c.officerNo, name: c.officerName },
        recordingStart: c.recordingStart?.toISOString() ?? null,
        recordingEnd: c.recordingEnd?.toISOString() ?? null,
        caseNo: c.caseNo,
      })),
      holds: [...new Map(holds.map((h) => [h.id, h])).values()].map((h) => ({
        ground: h.ground,
        caseName: h.caseName,
        caseNo: h.caseNo,
        placedAt: h.placedAt.toISOString(),
      })),
    }),
  );
  const key = labelKey(row.sha256);
  const existing = await store.head(key);
  if (existing) {
    const same =
      (await readBack(store, existing, { sha256: hashOf(body), size: body.length })).result === 'ok';
    if (same) return false;
    if (existing.versionId === null) await store.deleteVersion(existing);
  }
  await store.putObject(key, () => Readable.from([body]), body.length);
  return true;
}

function hashOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** R4: every held clip keeps a verified off-site copy besides the vault's; an alert for each that does not. */
function checkHeldCopies(deps: LifecycleDeps): number {
  const store = deps.store?.description;
  let missing = 0;
  for (const clip of deps.ledger.heldClips()) {
    const ok = deps.ledger
      .copiesOf(clip.sha256)
      .some((c) => c.lastResult === 'ok' && (!store || c.store === store));
    const subject = `clip:${clip.clipId}`;
    if (ok) {
      deps.ledger.clearAlert('held-copy-missing', subject, 'the held clip has its second verified copy');
      continue;
    }
    missing++;
    const holdId = deps.ledger.holdsOfClip(clip.clipId)[0]?.id ?? '';
    deps.ledger.openAlert({
      kind: 'held-copy-missing',
      severity: 'critical',
      subject,
      facts: { clipId: clip.clipId, holdId, copies: 1 },
      detail: `the held clip ${clip.clipId} has no verified off-site copy: R4 wants two independent verified copies`,
    });
  }
  return missing;
}
