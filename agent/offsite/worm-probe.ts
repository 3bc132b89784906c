import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { BandwidthLimit } from './bandwidth-limit.ts';
import { PROBE_PREFIX } from './object-keys.ts';
import { applyLock, checkLock } from './object-lock.ts';
import { ObjectWriter } from './object-writer.ts';
import { type ObjectVersion, type OffsiteStore, storeErrorText } from './offsite-store.ts';
import { readBack } from './read-back.ts';
import { UploadJournal } from './upload-journal.ts';

/** The probe's verdict: 'worm' only when every check of both canaries held. */
export type ProbeOutcome = 'worm' | 'not-worm' | 'unsupported' | 'failed';

/** One check of the probe. */
export interface ProbeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string | null;
}

/** What one probe found. */
export interface ProbeResult {
  readonly store: string;
  readonly at: Date;
  readonly outcome: ProbeOutcome;
  readonly checks: readonly ProbeCheck[];
  /** One sentence for the page and the alert. */
  readonly summary: string;
}

/** What the probe needs. */
export interface ProbeOptions {
  readonly store: OffsiteStore;
  /** Scratch folder for the canary files (below the state folder). */
  readonly workDir: string;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How long the canaries are locked (default one day: they can be cleared the day after). */
  readonly retainMs?: number;
  /** Part size of the multipart canary (S3's minimum, 5 MiB, by default). */
  readonly partSize?: number;
}

const MiB = 1024 * 1024;

/**
 * Never take the store's word for WORM: write a canary the way footage is written, once in one
 * request and once in parts, lock it the same way (retention after the write, a legal hold on one),
 * read the lock back, try to delete the locked version, require the refusal, and read the canary
 * back to see that it survived. Old canaries whose locks ran out are deleted.
 */
export async function probeWorm(opts: ProbeOptions): Promise<ProbeResult> {
  const { store } = opts;
  const at = opts.now();
  const base = { store: store.description, at };
  if (!store.lockMode) {
    return {
      ...base,
      outcome: 'unsupported',
      checks: [],
      summary: `${store.description} is not set up for Object Lock: the off-site copy is not tamper-proof`,
    };
  }
  try {
    await fsp.mkdir(opts.workDir, { recursive: true, mode: 0o750 });
    const partSize = opts.partSize ?? 5 * MiB;
    const writer = new ObjectWriter({
      store,
      journal: new UploadJournal(path.join(opts.workDir, 'uploads'), opts.logger),
      limit: new BandwidthLimit(0),
      multipartThreshold: partSize + 1,
      partSize,
      partConcurrency: 2,
      logger: opts.logger,
      now: opts.now,
    });
    const retainUntil = new Date(at.getTime() + (opts.retainMs ?? 86_400_000));
    const checks = [
      ...(await probeCanary(opts, writer, 'single', 4096, { retainUntil, legalHold: true })),
      ...(await probeCanary(opts, writer, 'multipart', partSize + 4096, { retainUntil, legalHold: false })),
    ];
    await clearOldCanaries(store, opts.logger);
    const failed = checks.filter((c) => !c.ok);
    return {
      ...base,
      outcome: failed.length === 0 ? 'worm' : 'not-worm',
      checks,
      summary:
        failed.length === 0
          ? `${store.description} kept the locks and refused to delete locked canaries: tamper-proof`
          : `${store.description} is not tamper-proof: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
    };
  } catch (err) {
    opts.logger.warn({ err, store: store.description }, 'offsite WORM probe failed');
    return {
      ...base,
      outcome: 'failed',
      checks: [],
      summary: `the WORM probe of ${store.description} could not run: ${storeErrorText(err)}`,
    };
  }
}

async function probeCanary(
  opts: ProbeOptions,
  writer: ObjectWriter,
  kind: 'single' | 'multipart',
  size: number,
  want: { retainUntil: Date; legalHold: boolean },
): Promise<ProbeCheck[]> {
  const { store } = opts;
  const content = randomBytes(size);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const file = path.join(opts.workDir, `canary-${kind}`);
  await fsp.writeFile(file, content);
  const key = `${PROBE_PREFIX}${opts.now().toISOString().replace(/[:.]/g, '')}-${kind}-${sha256.slice(0, 12)}`;
  let version: ObjectVersion;
  try {
    version = await writer.write({ sha256, key, file, size });
  } finally {
    await fsp.rm(file, { force: true });
  }
  await applyLock(store, version, want, opts.now());
  const lock = await checkLock(store, version, want, opts.now());
  const checks: ProbeCheck[] = [{ name: `${kind} lock kept`, ok: lock.kept === true, detail: lock.problem }];
  const deletion = await store.deleteVersion(version);
  checks.push({
    name: `${kind} delete refused`,
    ok: deletion === 'refused',
    detail: deletion === 'refused' ? null : 'the store deleted a locked version',
  });
  const survived = await readBack(store, version, { sha256, size });
  checks.push({
    name: `${kind} survived`,
    ok: survived.result === 'ok',
    detail: survived.result === 'ok' ? null : `after the delete attempt the canary is ${survived.result}`,
  });
  // Clear the legal hold so the canary can go once its retention ends; its retention still holds it.
  if (want.legalHold && survived.result === 'ok') await store.setLegalHold(version, false).catch(() => {});
  return checks;
}

async function clearOldCanaries(store: OffsiteStore, logger: Logger): Promise<void> {
  let cleared = 0;
  for (const v of await store.listVersions(PROBE_PREFIX)) {
    try {
      if ((await store.deleteVersion(v)) === 'deleted') cleared++;
    } catch (err) {
      logger.debug({ err, key: v.key }, 'offsite canary not cleared');
    }
  }
  if (cleared > 0) logger.info({ cleared }, 'offsite canaries past their lock cleared');
}
