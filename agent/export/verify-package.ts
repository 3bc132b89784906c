import { promises as fsp } from 'node:fs';
import { errnoCode } from '../errors.ts';
import { checkpointSigningBytes } from '../ledger/checkpoint.ts';
import { keyIdOf } from '../ledger/dock-key.ts';
import {
  BAG_INFO_FILE,
  BAGIT_FILE,
  bagitProblem,
  MANIFEST_FILE,
  PAYLOAD_DIR,
  parseBagInfo,
  parseManifest,
  parseOxum,
  TAG_MANIFEST_FILE,
} from './bag-files.ts';
import { ExportPackageMissingError, NotAnExportPackageError } from './export-errors.ts';
import { checkCheckpoint, checkClipIndex, checkEvents, type PackageEvent } from './package-checks.ts';
import {
  CHECKPOINT_FILE,
  CLIP_INDEX_FILE,
  EVENTS_FILE,
  PUBLIC_KEY_FILE,
  README_FILE,
  SIGNATURE_FILE,
  SIGNED_MESSAGE_FILE,
} from './package-layout.ts';
import { openFolderSource, type PackageProblem, type PackageSource } from './package-source.ts';
import { openZipSource } from './zip-source.ts';

export type { PackageProblem } from './package-source.ts';

/** The verdict on a package: every problem found, and what it holds. */
export interface PackageReport {
  readonly ok: boolean;
  /** Payload files present and listed in the manifest, and their bytes. */
  readonly files: number;
  readonly bytes: number;
  readonly problems: PackageProblem[];
  readonly checkpoint: { seq: number; verified: boolean } | null;
  /** bag-info.txt, label → value. */
  readonly info: Record<string, string>;
}

/** Tag and metadata files are read whole; nothing that large is legitimate. */
const MAX_META_BYTES = 64 << 20;

/** One verification run over a package source, collecting problems. */
class PackageCheck {
  readonly problems: PackageProblem[];
  constructor(
    readonly src: PackageSource,
    readonly target: string,
  ) {
    this.problems = [...src.problems];
  }

  add(file: string, kind: PackageProblem['kind'], detail: string): void {
    this.problems.push({ file, kind, detail });
  }

  /** A required file's bytes, or null (reported missing unless a manifest already said so). */
  async bytes(rel: string): Promise<Buffer | null> {
    if (!this.src.files.has(rel)) {
      if (!this.problems.some((p) => p.file === rel)) this.add(rel, 'missing', 'is missing');
      return null;
    }
    try {
      return await this.src.read(rel, MAX_META_BYTES);
    } catch (err) {
      this.add(rel, 'malformed', `cannot be read (${(err as Error).message})`);
      return null;
    }
  }

  async text(rel: string): Promise<string | null> {
    return (await this.bytes(rel))?.toString('utf8') ?? null;
  }

  /** Check every line of a manifest against the files; returns the listed paths. */
  async manifest(name: string, belongs: (p: string) => boolean): Promise<Map<string, string> | null> {
    const text = await this.text(name);
    if (text === null) return null;
    const { entries, problems } = parseManifest(text);
    for (const p of problems) this.add(name, 'malformed', p);
    for (const [rel, digest] of entries) {
      if (!belongs(rel)) {
        this.add(name, 'malformed', `lists ${rel}, which does not belong in this manifest`);
        entries.delete(rel);
      } else if (!this.src.files.has(rel)) this.add(rel, 'missing', `is listed in ${name} but missing`);
      else await this.digest(rel, digest, name);
    }
    return entries;
  }

  private async digest(rel: string, expected: string, manifest: string): Promise<void> {
    try {
      const { sha256 } = await this.src.hash(rel);
      if (sha256 !== expected)
        this.add(rel, 'mismatch', `has sha256 ${sha256}; ${manifest} says ${expected}`);
    } catch (err) {
      this.add(rel, 'malformed', `cannot be read (${(err as Error).message})`);
    }
  }

  /** Files present but in neither manifest. */
  unexpected(payload: Map<string, string> | null, tags: Map<string, string> | null): void {
    for (const rel of this.src.files.keys()) {
      if (rel.startsWith(PAYLOAD_DIR)) {
        if (payload && !payload.has(rel)) this.add(rel, 'unexpected', `is not listed in ${MANIFEST_FILE}`);
      } else if (tags && rel !== TAG_MANIFEST_FILE && !tags.has(rel))
        this.add(rel, 'unexpected', `is not listed in ${TAG_MANIFEST_FILE}`);
    }
  }

  /** Payload-Oxum against the payload files actually present. */
  oxum(info: Record<string, string>, infoRead: boolean): void {
    let bytes = 0;
    let files = 0;
    for (const [rel, f] of this.src.files) {
      if (!rel.startsWith(PAYLOAD_DIR)) continue;
      bytes += f.size;
      files++;
    }
    const oxum = parseOxum(info['Payload-Oxum']);
    if (!infoRead) return;
    if (!oxum) this.add(BAG_INFO_FILE, 'malformed', "has no valid 'Payload-Oxum: <bytes>.<files>'");
    else if (oxum.bytes !== bytes || oxum.files !== files)
      this.add(
        BAG_INFO_FILE,
        'size',
        `Payload-Oxum says ${oxum.bytes} bytes in ${oxum.files} files; the payload has ${bytes} bytes in ${files} files`,
      );
  }

  /** The signature helper files must be exactly the checkpoint's signed bytes and signature. */
  async signatureFiles(cp: { sig: string } & Parameters<typeof checkpointSigningBytes>[0]): Promise<void> {
    const msg = await this.bytes(SIGNED_MESSAGE_FILE);
    if (msg && !msg.equals(checkpointSigningBytes(cp)))
      this.add(SIGNED_MESSAGE_FILE, 'mismatch', `is not the signed bytes of ${CHECKPOINT_FILE}`);
    const sig = await this.bytes(SIGNATURE_FILE);
    if (sig && !sig.equals(Buffer.from(cp.sig, 'base64')))
      this.add(SIGNATURE_FILE, 'mismatch', `is not the signature in ${CHECKPOINT_FILE}`);
  }

  /** The checkpoint against the included key, the genesis event, the helper files and bag-info. */
  async checkpoint(
    info: Record<string, string>,
    infoRead: boolean,
    events: ReadonlyMap<number, PackageEvent>,
  ): Promise<PackageReport['checkpoint']> {
    const cpText = await this.text(CHECKPOINT_FILE);
    const pem = await this.text(PUBLIC_KEY_FILE);
    if (cpText === null || pem === null) return null;
    const cc = checkCheckpoint(cpText, pem, events);
    this.problems.push(...cc.problems);
    if (cc.key && infoRead && info['Dock-Key-Fingerprint'] !== keyIdOf(cc.key))
      this.add(
        BAG_INFO_FILE,
        'mismatch',
        `Dock-Key-Fingerprint is not the fingerprint of ${PUBLIC_KEY_FILE}`,
      );
    if (!cc.checkpoint) return null;
    await this.signatureFiles(cc.checkpoint);
    if (infoRead && info['Checkpoint-Seq'] !== String(cc.checkpoint.seq))
      this.add(BAG_INFO_FILE, 'mismatch', `Checkpoint-Seq is not the seq of ${CHECKPOINT_FILE}`);
    return { seq: cc.checkpoint.seq, verified: cc.verified };
  }
}

async function verifySource(target: string, src: PackageSource): Promise<PackageReport> {
  if (!src.files.has(BAGIT_FILE) && !src.files.has(MANIFEST_FILE))
    throw new NotAnExportPackageError(target, 'it has neither bagit.txt nor manifest-sha256.txt');
  const c = new PackageCheck(src, target);
  const bagit = await c.text(BAGIT_FILE);
  const bagitWrong = bagit === null ? null : bagitProblem(bagit);
  if (bagitWrong) c.add(BAGIT_FILE, 'malformed', bagitWrong);
  const infoText = await c.text(BAG_INFO_FILE);
  const info = infoText === null ? {} : parseBagInfo(infoText);
  const payload = await c.manifest(MANIFEST_FILE, (p) => p.startsWith(PAYLOAD_DIR));
  const tags = await c.manifest(
    TAG_MANIFEST_FILE,
    (p) => !p.startsWith(PAYLOAD_DIR) && p !== TAG_MANIFEST_FILE,
  );
  c.unexpected(payload, tags);
  c.oxum(info, infoText !== null);
  await c.text(README_FILE);

  const eventsText = await c.text(EVENTS_FILE);
  const ev =
    eventsText === null ? { events: new Map<number, PackageEvent>(), problems: [] } : checkEvents(eventsText);
  c.problems.push(...ev.problems);
  const index = await c.text(CLIP_INDEX_FILE);
  if (index !== null) c.problems.push(...checkClipIndex(index, payload ?? new Map(), src.files, ev.events));

  const checkpoint = await c.checkpoint(info, infoText !== null, ev.events);

  let files = 0;
  let bytes = 0;
  for (const rel of payload?.keys() ?? []) {
    const f = src.files.get(rel);
    if (!f) continue;
    files++;
    bytes += f.size;
  }
  const problems = c.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { ok: problems.length === 0, files, bytes, problems, checkpoint, info };
}

/**
 * R10: verify an export package, a folder or its .zip (read in place with yauzl, nothing
 * extracted). Checks bagit.txt, every manifest and tag-manifest line (missing file, digest),
 * Payload-Oxum, files listed nowhere, each event line's hash and links, the index against the
 * seals, and the checkpoint signature against the included key and the genesis event. Throws
 * ExportPackageMissingError when nothing is at the path and NotAnExportPackageError when it is
 * not a package; every other finding is a problem in the report.
 */
export async function verifyExportPackage(pathToFolderOrZip: string): Promise<PackageReport> {
  let st: Awaited<ReturnType<typeof fsp.stat>>;
  try {
    st = await fsp.stat(pathToFolderOrZip);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ExportPackageMissingError(pathToFolderOrZip);
    throw err;
  }
  let src: PackageSource;
  if (st.isDirectory()) src = await openFolderSource(pathToFolderOrZip);
  else if (st.isFile()) src = await openZipSource(pathToFolderOrZip);
  else throw new NotAnExportPackageError(pathToFolderOrZip, 'neither a folder nor a file');
  try {
    return await verifySource(pathToFolderOrZip, src);
  } finally {
    await src.close();
  }
}
