import { createPublicKey, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../fs/durable-write.ts';
import type { ClipView } from '../ledger/access-queries.ts';
import type { AccessRequestRecord, ExportRecord } from '../ledger/access-records.ts';
import { keyIdOf } from '../ledger/dock-key.ts';
import { LedgerStateError } from '../ledger/errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import {
  ExportInputError,
  ExportNoSpaceError,
  ExportRefusedError,
  ExportSealMismatchError,
} from './export-errors.ts';
import { type PackageEventLine, packageEvents } from './package-events.ts';
import { type PackagePlan, type WrittenPackage, writePackage } from './package-writer.ts';

export { zipExportPackage } from './package-zip.ts';

/** What to export: the clips of an approved export request (R6, R10). */
export interface CreateExportInput {
  readonly requestId: string;
  /** The user exporting: must be the one who asked for the approval. */
  readonly createdBy: string;
  /** 案号 written into bag-info.txt and the ledger. */
  readonly caseNo?: string | null;
  /** Why, for the access log (never written into the package). */
  readonly reason?: string | null;
}

/** What createExport needs. */
export interface ExportDeps {
  readonly ledger: Ledger;
  /** Where packages are kept (`<stateDir>/exports`). */
  readonly exportsDir: string;
  readonly vaultDir: string;
  readonly now?: () => Date;
  /** Fetch a clip evicted for space back from the off-site copy, verified, before it is read. */
  readonly ensureLocal?: (sha256: string) => Promise<unknown>;
}

/** Progress of a running export: clips copied of the total, payload bytes written so far. */
export interface ExportProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

const EXPORT_ID = /^[0-9a-f-]{8,64}$/;
const MAX_CASE_NO = 64;
/** Room left beside the clips for the index, events and tag files. */
const SPACE_MARGIN = 16 << 20;

/** The folder of an export package. Throws on ids that are not export ids (no traversal). */
export function exportPackageDir(exportsDir: string, exportId: string): string {
  if (!EXPORT_ID.test(exportId))
    throw new ExportInputError(
      `'${exportId.slice(0, 80)}' is not an export id: give the id 'dockctl export list' shows`,
    );
  return path.join(exportsDir, exportId);
}

/** The request, when it allows `createdBy` to export at `at`; otherwise ExportRefusedError. */
function approvedRequest(
  ledger: Ledger,
  requestId: string,
  createdBy: string,
  at: Date,
): AccessRequestRecord {
  const r = ledger.accessQueries.accessRequest(requestId);
  const refuse = (why: string) => new ExportRefusedError(`the export was refused: ${why}`);
  if (!r) throw refuse(`there is no access request ${requestId}; ask for an export approval first`);
  if (r.requestedBy !== createdBy)
    throw refuse(
      `the access request ${r.id} was made by another user; only its requester may export under it`,
    );
  if (r.purpose !== 'export')
    throw refuse(`the access request ${r.id} is for viewing, not export; ask for an export approval`);
  if (r.status === 'pending')
    throw refuse(`the access request ${r.id} has not been decided yet; ask a supervisor to approve it`);
  if (r.status === 'denied') throw refuse(`the access request ${r.id} was denied`);
  if (r.expiresAt === null || r.expiresAt.getTime() <= at.getTime())
    throw refuse(
      `the approval ${r.id} expired at ${r.expiresAt?.toISOString() ?? '?'}; ask for a new approval`,
    );
  if (ledger.accessQueries.account(createdBy)?.disabled === true)
    throw refuse(`the account ${createdBy} is disabled`);
  return r;
}

function checkedCaseNo(caseNo: string | null | undefined): string | null {
  const v = caseNo?.trim() ?? '';
  if (v === '') return null;
  if (v.length > MAX_CASE_NO || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(v))
    throw new ExportInputError(
      `the case number must be one line of at most ${MAX_CASE_NO} characters without control characters`,
    );
  return v;
}

function clipsOf(ledger: Ledger, r: AccessRequestRecord): ClipView[] {
  return [...new Set(r.clipIds)].map((id) => {
    const clip = ledger.accessQueries.clip(id);
    if (!clip)
      throw new LedgerStateError(`the clip ${id} of access request ${r.id} is not sealed in the ledger`);
    return clip;
  });
}

/** The dock's public key (PEM) from the genesis event, checked against the ledger's key. */
function genesisKeyPem(ledger: Ledger, events: readonly PackageEventLine[]): string {
  const genesis = events.find((e) => e.seq === 1);
  const data = genesis?.body ? (JSON.parse(genesis.body) as { data: { publicKey?: unknown } }).data : null;
  if (typeof data?.publicKey !== 'string')
    throw new LedgerStateError("the ledger's genesis event carries no public key: run 'dockctl verify'");
  const key = createPublicKey({ key: Buffer.from(data.publicKey, 'base64'), format: 'der', type: 'spki' });
  if (keyIdOf(key) !== ledger.keyId)
    throw new LedgerStateError("the genesis key is not the dock's key: run 'dockctl verify'");
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

/** R5: the vault copy failed its seal; the clip's check shows it (the export error is what the user sees). */
function recordFailedCheck(ledger: Ledger, err: ExportSealMismatchError, by: string): void {
  try {
    ledger.access.recordClipCheck(err.clipId, err.result, by);
  } catch {
    // The ledger refusing this extra record must not hide the mismatch itself.
  }
}

const PARTIAL_PREFIX = '.partial-';
/** A hidden folder this old is what an interrupted export (power cut, crash) left behind. */
const STALE_PARTIAL_MS = 24 * 3_600_000;

/** Remove leftovers of interrupted exports, never one that may still be in progress. */
async function removeStalePartials(exportsDir: string): Promise<void> {
  for (const name of await fsp.readdir(exportsDir)) {
    if (!name.startsWith(PARTIAL_PREFIX)) continue;
    const dir = path.join(exportsDir, name);
    const st = await fsp.lstat(dir);
    if (Date.now() - st.mtimeMs > STALE_PARTIAL_MS) await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function checkFreeSpace(dir: string, needed: number): Promise<void> {
  const s = await fsp.statfs(dir);
  const free = s.bavail * s.bsize;
  if (free < needed + SPACE_MARGIN) throw new ExportNoSpaceError(dir, needed + SPACE_MARGIN, free);
}

/** Decide everything the package holds; refuses before anything is written. */
function planExport(deps: ExportDeps, input: CreateExportInput): PackagePlan {
  const { ledger } = deps;
  const createdAt = (deps.now ?? (() => new Date()))();
  const request = approvedRequest(ledger, input.requestId, input.createdBy, createdAt);
  const caseNo = checkedCaseNo(input.caseNo);
  const clips = clipsOf(ledger, request);
  // A checkpoint at the current head attests every event the package carries.
  const checkpoint = ledger.checkpointNow() ?? ledger.latestCheckpoint();
  if (!checkpoint) throw new LedgerStateError('the ledger has no checkpoint to include');
  const events = packageEvents(
    ledger,
    clips.map((c) => c.id),
    request.id,
  );
  return {
    exportId: randomUUID(),
    dockId: ledger.dockId,
    keyId: ledger.keyId,
    publicKeyPem: genesisKeyPem(ledger, events),
    request,
    createdBy: input.createdBy,
    caseNo,
    createdAt,
    clips,
    vaultDir: deps.vaultDir,
    events,
    checkpoint,
  };
}

/** Write the package in a hidden folder and rename it into place; on failure leave nothing. */
async function buildPackage(
  deps: ExportDeps,
  plan: PackagePlan,
  onProgress?: (p: ExportProgress) => void,
): Promise<WrittenPackage> {
  const finalDir = exportPackageDir(deps.exportsDir, plan.exportId);
  await fsp.mkdir(deps.exportsDir, { recursive: true, mode: 0o750 });
  await removeStalePartials(deps.exportsDir);
  await checkFreeSpace(
    deps.exportsDir,
    plan.clips.reduce((n, c) => n + c.size, 0),
  );
  const work = path.join(deps.exportsDir, `${PARTIAL_PREFIX}${plan.exportId}`);
  try {
    const total = plan.clips.length;
    const written = await writePackage(work, plan, (done, bytes) => onProgress?.({ done, total, bytes }));
    await fsp.rename(work, finalDir);
    await fsyncDir(deps.exportsDir);
    return written;
  } catch (err) {
    await fsp.rm(work, { recursive: true, force: true });
    if (err instanceof ExportSealMismatchError) recordFailedCheck(deps.ledger, err, plan.createdBy);
    throw err;
  }
}

/**
 * R10: write an export package of an approved request's clips, each copied from the vault and
 * checked against its seal, as `<exportsDir>/<export id>/` (built in a hidden folder beside it and
 * renamed at the end, so a failed export leaves nothing), then record it in the ledger with its
 * access-log line. Refuses (ExportRefusedError) unless the request exists, is for export, was
 * approved, has not expired and was made by `createdBy`.
 */
export async function createExport(
  deps: ExportDeps,
  input: CreateExportInput,
  onProgress?: (p: ExportProgress) => void,
): Promise<ExportRecord> {
  const plan = planExport(deps, input);
  for (const clip of plan.clips) await deps.ensureLocal?.(clip.sha256);
  const written = await buildPackage(deps, plan, onProgress);
  const { ledger } = deps;
  try {
    ledger.access.recordExport(
      {
        exportId: plan.exportId,
        requestId: plan.request.id,
        createdBy: plan.createdBy,
        caseNo: plan.caseNo,
        clipIds: plan.clips.map((c) => c.id),
        bytes: written.bytes,
        manifestSha256: written.manifestSha256,
      },
      {
        username: plan.createdBy,
        action: 'export',
        target: `export:${plan.exportId}`,
        reason: input.reason ?? null,
        requestId: plan.request.id,
      },
    );
  } catch (err) {
    // An unrecorded copy must not exist (R6): remove it.
    await fsp.rm(exportPackageDir(deps.exportsDir, plan.exportId), { recursive: true, force: true });
    throw err;
  }
  const record = ledger.accessQueries.export(plan.exportId);
  if (!record) throw new LedgerStateError(`the export ${plan.exportId} was recorded but cannot be read back`);
  return record;
}
