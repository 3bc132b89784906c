import { errnoCode } from '../errors.ts';
import { sha256OfFile } from '../ledger/verify/verify-vault.ts';
import { checkLock } from '../offsite/object-lock.ts';
import { offsiteAlerts } from '../offsite/offsite-alerts.ts';
import { readBack } from '../offsite/read-back.ts';
import { type LifecycleDeps, vaultFile } from './lifecycle-deps.ts';

/** What one scrub found. */
export interface ScrubReport {
  readonly local: { readonly checked: number; readonly bad: number };
  readonly offsite: { readonly checked: number; readonly bad: number };
}

const MONTH = 30 * 86_400_000;

async function hashLocal(file: string): Promise<string | null> {
  try {
    return await sha256OfFile(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Re-hash a sample of the vault and of the off-site copies (the scrubDailyFraction per mille,
 * least recently checked first) and every held file not checked for a month (R4). Each result is
 * an event; a mismatch is a critical alert and is never repaired from the other copy without a
 * person's decision.
 */
export async function scrub(deps: LifecycleDeps, signal?: AbortSignal): Promise<ScrubReport> {
  const heldBefore = new Date(deps.now().getTime() - MONTH);
  const sample = Math.ceil((deps.ledger.fileCount() * deps.settings.scrubDailyFraction) / 1000);
  const local = { checked: 0, bad: 0 };
  for (const item of deps.ledger.localScrubCandidates(heldBefore, sample)) {
    if (signal?.aborted) break;
    const actual = await hashLocal(vaultFile(deps, item.sha256));
    const result = actual === null ? 'missing' : actual === item.sha256 ? 'ok' : 'mismatch';
    deps.ledger.recordLocalCheck(item.clipId, result);
    local.checked++;
    if (result === 'ok') continue;
    local.bad++;
    deps.ledger.openAlert({
      kind: 'vault-copy-mismatch',
      severity: 'critical',
      subject: `clip:${item.clipId}`,
      facts: { sha256: item.sha256, result },
      detail: `the vault copy of ${item.sha256} is ${result} on re-hashing: it is not repaired without a person's decision`,
    });
  }
  return { local, offsite: await scrubOffsite(deps, heldBefore, sample, signal) };
}

async function scrubOffsite(deps: LifecycleDeps, heldBefore: Date, sample: number, signal?: AbortSignal) {
  const counts = { checked: 0, bad: 0 };
  const store = deps.store;
  if (!store) return counts;
  for (const item of deps.ledger.offsiteScrubCandidates(store.description, heldBefore, sample)) {
    if (signal?.aborted) break;
    const version = { key: item.key, versionId: item.versionId, size: item.size };
    const back = await readBack(store, version, item, undefined, signal);
    const want = { retainUntil: item.retainUntil, legalHold: item.legalHold };
    const lock = back.result === 'ok' ? await checkLock(store, version, want, deps.now()) : { kept: null };
    deps.ledger.recordCopy({
      sha256: item.sha256,
      size: item.size,
      store: store.description,
      key: item.key,
      versionId: item.versionId,
      purpose: 'scrub',
      result: back.result,
      actualSha256: back.actualSha256,
      method: 'read-back-sha256',
      verifiedAt: deps.now(),
      ...want,
      lockKept: lock.kept,
    });
    counts.checked++;
    if (back.result === 'ok') continue;
    counts.bad++;
    deps.ledger.openAlert(
      offsiteAlerts.copyMismatch(item.clipIds, {
        sha256: item.sha256,
        store: store.description,
        key: item.key,
        result: back.result,
        purpose: 'scrub',
      }),
    );
  }
  return counts;
}
