import type { AlertFacts } from '../ledger/alert-kinds.ts';
import type { AlertInput } from '../ledger/alert-writes.ts';
import { subjectKey } from '../ledger/subjects.ts';

/** The clip an alert about a stored file names: the first clip holding the content. */
function fileSubject(clipIds: readonly string[], _sha256: string): string {
  const clipId = clipIds[0];
  return clipId ? subjectKey({ kind: 'clip', clipId }) : subjectKey({ kind: 'offsite' });
}

/**
 * The alerts of the off-site copy and the scrub, each with its facts, subject and one English
 * sentence for logs and the central store. All are critical: each means a copy that cannot be
 * counted on, and none is repaired without a person's decision.
 */
export const offsiteAlerts = {
  copyMismatch(
    clipIds: readonly string[],
    f: AlertFacts<'offsite-copy-mismatch'>,
  ): AlertInput<'offsite-copy-mismatch'> {
    return {
      kind: 'offsite-copy-mismatch',
      severity: 'critical',
      subject: fileSubject(clipIds, f.sha256),
      facts: f,
      detail: `the off-site copy ${f.key} on ${f.store} is ${f.result} when read back (${f.purpose}): it is not counted; a person decides what to do`,
    };
  },
  lockNotKept(
    clipIds: readonly string[],
    f: AlertFacts<'offsite-lock-not-kept'>,
  ): AlertInput<'offsite-lock-not-kept'> {
    return {
      kind: 'offsite-lock-not-kept',
      severity: 'critical',
      subject: fileSubject(clipIds, f.sha256),
      facts: f,
      detail: `the store ${f.store} did not keep the lock on ${f.key}: ${f.problem}`,
    };
  },
  notWorm(f: AlertFacts<'offsite-not-worm'>, summary: string): AlertInput<'offsite-not-worm'> {
    return {
      kind: 'offsite-not-worm',
      severity: 'critical',
      subject: subjectKey({ kind: 'offsite' }),
      facts: f,
      detail: summary,
    };
  },
  sourceMissing(
    clipIds: readonly string[],
    f: AlertFacts<'offsite-source-missing'>,
  ): AlertInput<'offsite-source-missing'> {
    return {
      kind: 'offsite-source-missing',
      severity: 'critical',
      subject: fileSubject(clipIds, f.sha256),
      facts: f,
      detail: `the sealed file ${f.vaultPath} is gone from the vault and has no verified off-site copy: run 'dockctl verify --files'`,
    };
  },
};
