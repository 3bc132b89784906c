import { createPublicKey, type KeyObject } from 'node:crypto';
import { isCanonicalJson } from '../ledger/canonical-json.ts';
import { type Checkpoint, checkpointSignatureValid, parseCheckpoint } from '../ledger/checkpoint.ts';
import { keyIdOf } from '../ledger/dock-key.ts';
import { chainHash, GENESIS_PREV_HASH } from '../ledger/event-chain.ts';
import { type ExportIndex, indexProblem } from './clip-index.ts';
import { CHECKPOINT_FILE, CLIP_INDEX_FILE, EVENTS_FILE, PUBLIC_KEY_FILE } from './package-layout.ts';
import type { PackageProblem } from './package-source.ts';

/** An event line of the package, parsed; `type` and `data` are null when its body was withheld. */
export interface PackageEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly type: string | null;
  readonly data: Record<string, unknown> | null;
}

const HEX64 = /^[0-9a-f]{64}$/;

function lineEvent(raw: string, n: number, problems: PackageProblem[]): PackageEvent | null {
  const bad = (kind: PackageProblem['kind'], detail: string) => {
    problems.push({ file: EVENTS_FILE, kind, detail: `line ${n}: ${detail}` });
    return null;
  };
  let l: { seq?: unknown; prevHash?: unknown; hash?: unknown; body?: unknown; withheld?: unknown };
  try {
    l = JSON.parse(raw) as typeof l;
  } catch {
    return bad('malformed', 'is not JSON');
  }
  if (typeof l !== 'object' || l === null) return bad('malformed', 'is not an object');
  const { seq, prevHash, hash, body } = l;
  if (
    !Number.isSafeInteger(seq) ||
    (seq as number) < 1 ||
    typeof prevHash !== 'string' ||
    !HEX64.test(prevHash)
  )
    return bad('malformed', 'needs a positive seq and a 64-hex prevHash');
  if (typeof hash !== 'string' || !HEX64.test(hash)) return bad('malformed', 'needs a 64-hex hash');
  const at = `line ${n} (event ${seq})`;
  if (body === null && typeof l.withheld === 'string')
    return { seq: seq as number, prevHash, hash, type: null, data: null };
  if (typeof body !== 'string')
    return bad('malformed', 'needs a body string (or null with a withheld reason)');
  if (chainHash(prevHash, body) !== hash) {
    problems.push({ file: EVENTS_FILE, kind: 'mismatch', detail: `${at}: hash ≠ SHA-256(prevHash ‖ body)` });
    return null;
  }
  if (!isCanonicalJson(body)) return bad('malformed', 'the body is not canonical JSON');
  const ev = JSON.parse(body) as { seq?: unknown; type?: unknown; data?: unknown };
  if (ev.seq !== seq) return bad('mismatch', `the body names event ${String(ev.seq)}`);
  const data = typeof ev.data === 'object' && ev.data !== null ? (ev.data as Record<string, unknown>) : {};
  return { seq: seq as number, prevHash, hash, type: String(ev.type), data };
}

/** Check every event line: its hash, its body, and the links between consecutive events. */
export function checkEvents(text: string): { events: Map<number, PackageEvent>; problems: PackageProblem[] } {
  const problems: PackageProblem[] = [];
  const events = new Map<number, PackageEvent>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const ev = lineEvent(raw, i + 1, problems);
    if (!ev) return;
    if (events.has(ev.seq))
      problems.push({
        file: EVENTS_FILE,
        kind: 'malformed',
        detail: `line ${i + 1}: event ${ev.seq} appears twice`,
      });
    else events.set(ev.seq, ev);
  });
  for (const ev of events.values()) {
    const prev = ev.seq === 1 ? GENESIS_PREV_HASH : events.get(ev.seq - 1)?.hash;
    if (prev !== undefined && prev !== ev.prevHash)
      problems.push({
        file: EVENTS_FILE,
        kind: 'mismatch',
        detail: `event ${ev.seq}: prevHash is not the hash of the event before (chain break)`,
      });
  }
  return { events, problems };
}

/** Check data/clips.json: its schema, and each clip against the manifest, its file size and its seal event. */
export function checkClipIndex(
  text: string,
  manifest: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, { size: number }>,
  events: ReadonlyMap<number, PackageEvent>,
): PackageProblem[] {
  const problems: PackageProblem[] = [];
  const add = (file: string, kind: PackageProblem['kind'], detail: string) =>
    problems.push({ file, kind, detail });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    add(CLIP_INDEX_FILE, 'malformed', 'is not JSON');
    return problems;
  }
  const schemaProblem = indexProblem(doc);
  if (schemaProblem) {
    add(CLIP_INDEX_FILE, 'malformed', `does not match schemas/export-manifest.schema.json: ${schemaProblem}`);
    return problems;
  }
  for (const c of (doc as ExportIndex).clips) {
    const digest = manifest.get(c.file);
    if (digest === undefined)
      add(CLIP_INDEX_FILE, 'mismatch', `clip ${c.clipId}: ${c.file} is not in the manifest`);
    else if (digest !== c.sha256)
      add(CLIP_INDEX_FILE, 'mismatch', `clip ${c.clipId}: the manifest digest differs from the seal`);
    const size = files.get(c.file)?.size;
    if (size !== undefined && size !== c.size)
      add(c.file, 'size', `is ${size} bytes; the seal says ${c.size}`);
    const seal = events.get(c.sealSeq);
    if (!seal) add(EVENTS_FILE, 'missing', `the seal event ${c.sealSeq} of clip ${c.clipId} is not included`);
    else if (
      seal.type !== 'clip.sealed' ||
      seal.data?.clipId !== c.clipId ||
      seal.data?.sha256 !== c.sha256 ||
      seal.data?.size !== c.size
    )
      add(CLIP_INDEX_FILE, 'mismatch', `clip ${c.clipId} does not match its seal event ${c.sealSeq}`);
  }
  return problems;
}

/** What the checkpoint check found. */
export interface CheckpointCheck {
  readonly checkpoint: Checkpoint | null;
  readonly key: KeyObject | null;
  readonly verified: boolean;
  readonly problems: PackageProblem[];
}

function publicKeyOf(pem: string, problems: PackageProblem[]): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // reported below
  }
  problems.push({ file: PUBLIC_KEY_FILE, kind: 'malformed', detail: 'is not an Ed25519 public key in PEM' });
  return null;
}

/**
 * Check the checkpoint's signature with the included public key, that key against the ledger's
 * genesis event, and the checkpoint's head against the included event of that seq.
 */
export function checkCheckpoint(
  cpText: string,
  pem: string,
  events: ReadonlyMap<number, PackageEvent>,
): CheckpointCheck {
  const problems: PackageProblem[] = [];
  let cp: Checkpoint | null = null;
  try {
    cp = parseCheckpoint(cpText, CHECKPOINT_FILE);
  } catch (err) {
    problems.push({ file: CHECKPOINT_FILE, kind: 'malformed', detail: (err as Error).message });
  }
  const key = publicKeyOf(pem, problems);
  if (!cp || !key) return { checkpoint: cp, key, verified: false, problems };
  let verified = true;
  const sig = (file: string, detail: string) => {
    verified = false;
    problems.push({ file, kind: 'signature', detail });
  };
  const keyId = keyIdOf(key);
  if (keyId !== cp.key) sig(CHECKPOINT_FILE, `is signed by key ${cp.key}, not by the included key ${keyId}`);
  else if (!checkpointSignatureValid(cp, key))
    sig(CHECKPOINT_FILE, 'the signature does not verify with the included public key: forged or altered');
  const genesis = events.get(1);
  const der = key.export({ type: 'spki', format: 'der' }).toString('base64');
  if (genesis?.data && (genesis.type !== 'dock.created' || genesis.data.publicKey !== der))
    sig(PUBLIC_KEY_FILE, "is not the key in the ledger's genesis event");
  if (genesis?.data && genesis.data.dockId !== cp.dock)
    problems.push({
      file: CHECKPOINT_FILE,
      kind: 'mismatch',
      detail: `is for dock ${cp.dock}, not this ledger's dock`,
    });
  const atHead = events.get(cp.seq);
  if (atHead && atHead.hash !== cp.head)
    problems.push({
      file: CHECKPOINT_FILE,
      kind: 'mismatch',
      detail: `its head is not the hash of event ${cp.seq}`,
    });
  return { checkpoint: cp, key, verified, problems };
}
