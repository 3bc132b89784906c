/**
 * Alert kinds raised by the footage lifecycle (off-site copies, scrub, holds, space). Subjects are
 * `sha256:<digest>` for a stored file, `clip:<id>` for a clip and `offsite:<store>` for the store.
 */
export const OFFSITE_ALERTS = {
  /** A copy read back from the store does not hash to its seal (or is gone). Critical. */
  copyMismatch: 'offsite-copy-mismatch',
  /** The store accepted a lock and does not keep it on a footage object. Critical. */
  lockNotKept: 'offsite-lock-not-kept',
  /** The WORM probe found the store not tamper-proof. Critical. */
  notWorm: 'offsite-not-worm',
  /** A sealed file to copy is gone from the vault before any verified copy exists. Critical. */
  sourceMissing: 'offsite-source-missing',
} as const;

/** The alert subject of a stored file. */
export function fileSubject(sha256: string): string {
  return `sha256:${sha256}`;
}
