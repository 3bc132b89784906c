import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../fs/durable-write.ts';
import type { ClipView } from '../ledger/access-queries.ts';
import type { AccessRequestRecord } from '../ledger/access-records.ts';
import { type Checkpoint, checkpointSigningBytes } from '../ledger/checkpoint.ts';
import { vaultPathFor } from '../ledger/vault-path.ts';
import {
  BAG_INFO_FILE,
  BAGIT_FILE,
  BAGIT_TEXT,
  bagInfoText,
  MANIFEST_FILE,
  type ManifestEntry,
  manifestText,
  TAG_MANIFEST_FILE,
} from './bag-files.ts';
import { copySealedClip } from './clip-copy.ts';
import { EXPORT_INDEX_FORMAT, type ExportIndex, type ExportIndexClip, indexClip } from './clip-index.ts';
import { eventLinesText, type PackageEventLine } from './package-events.ts';
import {
  CHECKPOINT_FILE,
  CLIP_INDEX_FILE,
  EVENTS_FILE,
  PUBLIC_KEY_FILE,
  README_FILE,
  SIGNATURE_FILE,
  SIGNED_MESSAGE_FILE,
} from './package-layout.ts';
import { packageReadme } from './package-readme.ts';
import { safeClipFileName, safePathSegment } from './safe-file-name.ts';

/** Everything a package is made of, decided before anything is written. */
export interface PackagePlan {
  readonly exportId: string;
  readonly dockId: string;
  /** The unit the package comes from (configured, or the officers' unit); null name: not known. */
  readonly unit: { readonly name: string | null; readonly code: string | null };
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly request: AccessRequestRecord;
  readonly createdBy: string;
  readonly caseNo: string | null;
  readonly createdAt: Date;
  readonly clips: readonly ClipView[];
  readonly vaultDir: string;
  readonly events: readonly PackageEventLine[];
  readonly checkpoint: Checkpoint;
}

/** What was written. */
export interface WrittenPackage {
  /** Payload bytes (everything under data/). */
  readonly bytes: number;
  readonly files: number;
  /** SHA-256 of manifest-sha256.txt, recorded in the ledger. */
  readonly manifestSha256: string;
}

/** Writes files below one folder, fsyncing each file and, at the end, each folder. */
class PackageFiles {
  private readonly dirs = new Set<string>();
  constructor(readonly root: string) {}

  async dirFor(rel: string): Promise<string> {
    const abs = path.join(this.root, ...rel.split('/'));
    const dir = path.dirname(abs);
    await fsp.mkdir(dir, { recursive: true, mode: 0o750 });
    for (let d = dir; d.startsWith(this.root); d = path.dirname(d)) this.dirs.add(d);
    return abs;
  }

  /** Write a small file; returns its SHA-256. */
  async write(rel: string, data: string | Buffer): Promise<ManifestEntry & { size: number }> {
    const abs = await this.dirFor(rel);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const handle = await fsp.open(abs, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }

  async syncDirs(): Promise<void> {
    for (const d of [...this.dirs].sort((a, b) => b.length - a.length)) await fsyncDir(d);
  }
}

function bagInfo(plan: PackagePlan, payload: { bytes: number; files: number }): string {
  const r = plan.request;
  const cp = plan.checkpoint;
  return bagInfoText([
    ['Source-Organization', plan.unit.name ?? UNIT_NOT_SET],
    ['Organization-Identifier', plan.unit.code],
    ['External-Description', '执法音像资料导出包 / law-enforcement footage export (R10)'],
    ['External-Identifier', plan.exportId],
    ['Case-Number', plan.caseNo],
    ['Requested-By', r.requestedBy],
    ['Exported-By', plan.createdBy],
    ['Approval-Request-Id', r.id],
    ['Approval-Decided-By', r.decidedBy],
    ['Approval-Decided-At', r.decidedAt?.toISOString() ?? null],
    ['Approval-Expires', r.expiresAt?.toISOString() ?? null],
    ['Bagging-Date', plan.createdAt.toISOString().slice(0, 10)],
    ['Bagging-Time', plan.createdAt.toISOString()],
    ['Payload-Oxum', `${payload.bytes}.${payload.files}`],
    ['Clip-Count', plan.clips.length],
    ['Dock-Id', plan.dockId],
    ['Dock-Key-Fingerprint', plan.keyId],
    ['Checkpoint-Seq', cp.seq],
    ['Checkpoint-Head', cp.head],
    ['Checkpoint-At', cp.at],
    ['Bag-Software-Agent', 'recorder-dock export v1'],
  ]);
}

/** Source-Organization when neither the configuration nor the recorders name the unit. */
export const UNIT_NOT_SET = '未配置单位名称 (unit.name is not set in the configuration)';

/** Copy every clip from the vault, checked against its seal; returns manifest and index entries. */
async function copyClips(
  out: PackageFiles,
  plan: PackagePlan,
  onBytes: (clipsDone: number, bytes: number) => void,
): Promise<{ payload: ManifestEntry[]; index: ExportIndexClip[]; bytes: number }> {
  const payload: ManifestEntry[] = [];
  const index: ExportIndexClip[] = [];
  const taken = new Set<string>();
  let bytes = 0;
  for (const [i, clip] of plan.clips.entries()) {
    const rel = `data/clips/${safePathSegment(clip.serial)}/${safeClipFileName(clip.id, clip.sourcePath, taken)}`;
    // The vault path is derived from the seal's digest (never from a stored path): no traversal.
    const seal = { clipId: clip.id, sha256: clip.sha256, size: clip.size };
    await copySealedClip(vaultPathFor(plan.vaultDir, clip.sha256), await out.dirFor(rel), seal, (n) => {
      bytes += n;
      onBytes(i, bytes);
    });
    payload.push({ path: rel, sha256: clip.sha256 });
    index.push(indexClip(clip, rel));
    onBytes(i + 1, bytes);
  }
  return { payload, index, bytes };
}

/** The BagIt tag files, README and signature helpers; returns their manifest entries. */
async function writeTagFiles(
  out: PackageFiles,
  plan: PackagePlan,
  manifest: string,
  payload: { bytes: number; files: number; clips: readonly ManifestEntry[] },
): Promise<ManifestEntry[]> {
  const readme = packageReadme({
    exportId: plan.exportId,
    unit: plan.unit.name ?? UNIT_NOT_SET,
    dockId: plan.dockId,
    clipFiles: payload.clips,
    createdAt: plan.createdAt.toISOString(),
    clips: plan.clips.length,
    keyId: plan.keyId,
    checkpointSeq: plan.checkpoint.seq,
  });
  return [
    await out.write(BAGIT_FILE, BAGIT_TEXT),
    await out.write(BAG_INFO_FILE, bagInfo(plan, payload)),
    await out.write(MANIFEST_FILE, manifest),
    await out.write(README_FILE, readme),
    await out.write(SIGNED_MESSAGE_FILE, checkpointSigningBytes(plan.checkpoint)),
    await out.write(SIGNATURE_FILE, Buffer.from(plan.checkpoint.sig, 'base64')),
  ];
}

/**
 * Write the whole package below `root` (which must not exist yet): the clips copied from the vault
 * and checked against their seals, the index, events, checkpoint and key, then the BagIt tag files.
 */
export async function writePackage(
  root: string,
  plan: PackagePlan,
  onBytes: (clipsDone: number, bytes: number) => void,
): Promise<WrittenPackage> {
  await fsp.mkdir(root, { mode: 0o750 });
  const out = new PackageFiles(root);
  const clips = await copyClips(out, plan, onBytes);
  const payload = [...clips.payload];
  let bytes = clips.bytes;
  const index: ExportIndex = {
    format: EXPORT_INDEX_FORMAT,
    exportId: plan.exportId,
    dockId: plan.dockId,
    requestId: plan.request.id,
    caseNo: plan.caseNo,
    createdAt: plan.createdAt.toISOString(),
    checkpoint: { seq: plan.checkpoint.seq, head: plan.checkpoint.head },
    clips: clips.index,
  };
  for (const [rel, text] of [
    [CLIP_INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`],
    [EVENTS_FILE, eventLinesText(plan.events)],
    [CHECKPOINT_FILE, `${JSON.stringify(plan.checkpoint, null, 2)}\n`],
    [PUBLIC_KEY_FILE, plan.publicKeyPem],
  ] as const) {
    const written = await out.write(rel, text);
    bytes += written.size;
    payload.push(written);
  }
  const manifest = manifestText(payload);
  const tags = await writeTagFiles(out, plan, manifest, {
    bytes,
    files: payload.length,
    clips: clips.payload,
  });
  await out.write(TAG_MANIFEST_FILE, manifestText(tags));
  await out.syncDirs();
  return {
    bytes,
    files: payload.length,
    manifestSha256: createHash('sha256').update(manifest, 'utf8').digest('hex'),
  };
}
